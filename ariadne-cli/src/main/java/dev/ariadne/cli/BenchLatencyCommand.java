package dev.ariadne.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ariadne.engine.Generation;
import dev.ariadne.engine.LLM;
import dev.ariadne.engine.TokenSink;
import dev.ariadne.memory.ByteSize;
import dev.ariadne.memory.KvCacheSizing;
import dev.ariadne.memory.MemoryBudget;
import dev.ariadne.memory.ResidentMemory;
import dev.ariadne.sample.SamplingParams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code ariadne bench latency}: one request of {@code --input-len} random prompt tokens and {@code --output-len}
 * greedy tokens (EOS ignored), after a warm-up run; prints prefill and decode tokens/s (vLLM's bench latency,
 * llama-bench's pp/tg).
 */
@Command(name = "latency", mixinStandardHelpOptions = true,
        description = "Prefill and decode tokens/s of one request (after a warm-up).")
public final class BenchLatencyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EngineOptions engine;

    @Option(names = "--input-len", defaultValue = "512", paramLabel = "N", description = "Prompt tokens.")
    int inputLen;

    @Option(names = "--output-len", defaultValue = "128", paramLabel = "N", description = "Generated tokens.")
    int outputLen;

    @Option(names = "--num-iters", defaultValue = "1", paramLabel = "N", description = "Measured runs (best kept).")
    int iterations;

    @Option(names = "--num-iters-warmup", defaultValue = "1", paramLabel = "N", description = "Warm-up runs.")
    int warmup;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (inputLen < 1 || outputLen < 2) {
            throw new IllegalArgumentException("--input-len must be >= 1 and --output-len >= 2");
        }
        PrintWriter out = spec.commandLine().getOut();
        var config = engine.toConfig();
        if (config.maxModelLen() == 0) {
            config = config.withMaxModelLen(inputLen + outputLen, true);
        }
        long loadStart = System.nanoTime();
        try (LLM llm = engine.load(config, spec)) {
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            int vocab = llm.modelConfig().vocabSize();
            // A fresh random prompt per run: repeating one would be served from the prefix cache.
            SplittableRandom rnd = new SplittableRandom(42);
            SamplingParams params = SamplingParams.greedy(outputLen);
            for (int i = 0; i < warmup; i++) {
                llm.generate(randomPrompt(rnd, vocab), params, TokenSink.NONE);
            }
            double bestPrefill = 0, bestDecode = 0;
            for (int i = 0; i < Math.max(1, iterations); i++) {
                Generation g = llm.generate(randomPrompt(rnd, vocab), params, TokenSink.NONE);
                bestPrefill = Math.max(bestPrefill, g.prefillTokensPerSecond());
                bestDecode = Math.max(bestDecode, g.decodeTokensPerSecond());
            }
            long weightBytes = llm.weights().bytesPerToken();
            // The planner's figure for this run: everything but KV, plus the KV of one request of this length.
            KvCacheSizing sizing = llm.kvCacheSizing();
            long plannedKv = sizing.kv().bytesPerToken() * (inputLen + outputLen);
            long plannedBytes = sizing.budget().nonKvBytes() + plannedKv;
            long peakBytes = ResidentMemory.peakBytes().orElse(-1);
            if (json) {
                ObjectMapper m = new ObjectMapper();
                ObjectNode o = m.createObjectNode();
                o.put("model", String.valueOf(config.model()));
                o.put("weight_type", llm.weights().dominantType().name());
                o.put("threads", config.threads());
                o.put("input_len", inputLen);
                o.put("output_len", outputLen);
                o.put("prefill_tokens_per_s", bestPrefill);
                o.put("decode_tokens_per_s", bestDecode);
                o.put("weight_bytes_per_token", weightBytes);
                o.put("peak_resident_bytes", peakBytes);
                o.put("planned_bytes", plannedBytes);
                o.put("planned_kv_bytes", plannedKv);
                out.println(m.writeValueAsString(o));
            } else {
                out.printf("model            %s (%s, %s weights)%n", config.model(),
                        llm.modelConfig().architecture().ggufName, llm.weights().dominantType());
                out.printf("kernels          %s, %d threads, KV cache %s%n", llm.kernels().description(),
                        config.threads(), llm.kvCacheDType());
                out.printf("load             %.1f s%n", loadSeconds);
                out.printf("%n| test | tokens | tokens/s |%n|---|---|---|%n");
                out.printf("| prefill pp%d | %d | %.1f |%n", inputLen, inputLen, bestPrefill);
                out.printf("| decode tg%d at depth %d | %d | %.1f |%n", outputLen, inputLen, outputLen, bestDecode);
                out.printf("%nweights read per decoded token: %.1f MiB (decode at 43 GB/s roofline: %.1f t/s)%n",
                        weightBytes / 1048576.0, 43e9 / weightBytes);
                MemoryBudget b = sizing.budget();
                out.printf("peak resident memory %s; planned %s = weights %s + activation %s + other %s"
                                + " + KV of %d tokens %s%n", peakBytes < 0 ? "unknown" : ByteSize.gib(peakBytes),
                        ByteSize.gib(plannedBytes), ByteSize.gib(b.weights().bytes()),
                        ByteSize.gib(b.activation().bytes()), ByteSize.gib(b.other().bytes()), inputLen + outputLen,
                        ByteSize.gib(plannedKv));
            }
            out.flush();
        }
        return 0;
    }

    private int[] randomPrompt(SplittableRandom rnd, int vocab) {
        int[] prompt = new int[inputLen];
        for (int i = 0; i < inputLen; i++) prompt[i] = rnd.nextInt(vocab);
        return prompt;
    }
}
