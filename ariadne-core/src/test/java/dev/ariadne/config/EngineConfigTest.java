package dev.ariadne.config;

import dev.ariadne.sched.PreemptionMode;
import dev.ariadne.tensor.GGMLType;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineConfigTest {

    /** Every component away from its default, so that a copy that drops one shows. */
    private static EngineConfig everythingSet() {
        return new EngineConfig(Path.of("model.gguf"), "gguf", GGMLType.Q4_K, 7, 3, "q8_0", 4096, true, 256,
                new CacheConfig(32, false, 0.5, 1L << 30, 100, 1L << 20),
                new SchedulingConfig(4, false, PreemptionMode.SWAP), RotaryScaling.yarn(4, 32768),
                new DcaConfig(8192, 1024, 32768), RopeScalingMode.PER_REQUEST, true);
    }

    /** Each copy-with changes its own component and keeps every other one (a DCA override once reset MLA's flag). */
    @Test
    void everyWithKeepsTheOtherComponents() throws Exception {
        Map<String, UnaryOperator<EngineConfig>> withs = new LinkedHashMap<>();
        withs.put("mlaAbsorbPrefill", c -> c.withMlaAbsorbPrefill(false));
        withs.put("threads", c -> c.withThreads(5));
        withs.put("kvCacheDType", c -> c.withKvCacheDType("f16"));
        withs.put("maxModelLen allowLongMaxModelLen", c -> c.withMaxModelLen(1024, false));
        withs.put("maxNumBatchedTokens", c -> c.withMaxNumBatchedTokens(64));
        withs.put("cache", c -> c.withCache(CacheConfig.defaults()));
        withs.put("scheduling", c -> c.withScheduling(SchedulingConfig.defaults()));
        withs.put("dualChunk", c -> c.withDualChunk(new DcaConfig(4096, 512, 32768)));
        withs.put("ropeScaling", c -> c.withRopeScaling(RotaryScaling.linear(2)));
        withs.put("ropeScalingMode", c -> c.withRopeScalingMode(RopeScalingMode.STATIC));

        EngineConfig base = everythingSet();
        for (var e : withs.entrySet()) {
            EngineConfig changed = e.getValue().apply(base);
            for (RecordComponent rc : EngineConfig.class.getRecordComponents()) {
                Object before = rc.getAccessor().invoke(base), after = rc.getAccessor().invoke(changed);
                if (List.of(e.getKey().split(" ")).contains(rc.getName())) {
                    assertTrue(!before.equals(after), e.getKey() + " did not change " + rc.getName());
                } else {
                    assertEquals(before, after, "with " + e.getKey() + " changed " + rc.getName());
                }
            }
        }
    }

    @Test
    void aDualChunkOverrideKeepsTheAbsorbedLatentPrefill() {
        EngineConfig c = EngineConfig.defaults(Path.of("deepseek.gguf")).withMlaAbsorbPrefill(true)
                .withDualChunk(new DcaConfig(8192, 1024, 32768));
        assertTrue(c.mlaAbsorbPrefill());
    }
}
