package dev.ariadne.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ariadne.memory.ByteSize;
import dev.ariadne.memory.HostMemory;
import dev.ariadne.kv.KvCacheDType;
import dev.ariadne.memory.MemoryPlan;
import dev.ariadne.memory.MemoryPlanner;
import dev.ariadne.memory.PlannedModel;
import dev.ariadne.memory.PlanInputs;
import dev.ariadne.memory.PlanReport;
import dev.ariadne.memory.RopeScaling;
import dev.ariadne.memory.WeightDtype;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ariadne plan}: what fits where, before anything is bought or started. Weights, KV cache, blocks and
 * concurrency for a GPU deployment with vLLM's arithmetic, and for Ariadne's CPU engine on this machine.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Plan memory: weights and KV cache per rank, blocks, maximum concurrency, the largest"
                + " max-model-len, DCA buffers, and a what-if table, for a GPU deployment (vLLM semantics) and for"
                + " Ariadne's CPU engine on this machine. Sizes: 21.66GiB, 512MiB, 80GB or plain bytes.")
public final class PlanCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "PATH_OR_CONFIG_JSON",
            description = "config.json, a folder holding one, or a .gguf file")
    Path model;

    @Option(names = "--tensor-parallel-size", paramLabel = "N", defaultValue = "1",
            description = "GPU ranks (default ${DEFAULT-VALUE})")
    int tensorParallel;

    @Option(names = "--device-memory", paramLabel = "SIZE[,SIZE...]",
            description = "memory of each GPU, e.g. 21.66GiB; a comma list gives one value per rank")
    String deviceMemory;

    @Option(names = "--gpu-memory-utilization", paramLabel = "FRACTION",
            defaultValue = "" + PlanInputs.DEFAULT_UTILIZATION,
            description = "share of each device's memory the engine may use (default ${DEFAULT-VALUE})")
    double utilization;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "auto",
            description = "weight type: auto, half, bf16, fp32, fp8, q8_0, q4_0 (default auto: the config's)")
    String dtype;

    @Option(names = "--kv-cache-dtype", paramLabel = "TYPE", defaultValue = "auto",
            description = "KV cache type: auto, fp16, bf16, fp32, fp8, int8, q8_0, q4_0 (default auto)")
    String kvCacheDtype;

    @Option(names = "--block-size", paramLabel = "TOKENS", defaultValue = "" + PlanInputs.DEFAULT_BLOCK_SIZE,
            description = "tokens per KV block (default ${DEFAULT-VALUE})")
    int blockSize;

    @Option(names = "--max-model-len", paramLabel = "TOKENS",
            description = "longest request (default: the model's positions, scaled by its rope scaling)")
    String maxModelLen;

    @Option(names = "--max-num-batched-tokens", paramLabel = "TOKENS",
            defaultValue = "" + PlanInputs.DEFAULT_MAX_NUM_BATCHED_TOKENS,
            description = "tokens per step; sizes the activation estimate (default ${DEFAULT-VALUE})")
    String maxNumBatchedTokens;

    @Option(names = "--rope-scaling", paramLabel = "JSON",
            description = "e.g. '{\"rope_type\":\"yarn\",\"factor\":4.0,\"original_max_position_embeddings\":32768}'")
    String ropeScaling;

    @Option(names = "--kv-cache-memory", paramLabel = "SIZE[,SIZE...]",
            description = "KV budget per rank as measured (vLLM's 'reserved for KV Cache'); skips the breakdown")
    String kvCacheMemory;

    @Option(names = "--weights-memory", paramLabel = "SIZE", description = "measured weights per rank")
    String weightsMemory;

    @Option(names = "--activation-memory", paramLabel = "SIZE",
            description = "measured activation peak per rank (else estimated; the output says how)")
    String activationMemory;

    @Option(names = "--other-memory", paramLabel = "SIZE",
            description = "measured non-torch memory per rank (else 0.20GiB is assumed)")
    String otherMemory;

    @Option(names = "--json", description = "print the plan as JSON")
    boolean json;

    @Option(names = "--observed-concurrency", paramLabel = "X",
            description = "a maximum concurrency a real deployment reported (e.g. 1.21 from vLLM's log): explain the KV "
                    + "budget it implies on the smallest rank")
    Double observedConcurrency;

    @Override
    public Integer call() throws JsonProcessingException {
        PlanInputs in = inputs();
        MemoryPlan plan = MemoryPlanner.plan(PlannedModel.load(model), in, HostMemory.detect());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(mapper().writeValueAsString(PlanJson.of(plan)));
        } else {
            out.print(PlanReport.text(plan));
        }
        if (observedConcurrency != null) {
            if (plan.gpu() == null || plan.gpu().capacity() == null) {
                throw new IllegalArgumentException("--observed-concurrency needs a GPU KV budget: give --kv-cache-memory"
                        + " or --device-memory");
            }
            String line = plan.gpu().capacity().explainObserved(observedConcurrency);
            if (json) {
                out.println(mapper().writeValueAsString(java.util.Map.of("observed_concurrency", line)));
            } else {
                out.println(line);
            }
        }
        out.flush();
        return 0;
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    PlanInputs inputs() {
        return new PlanInputs(tensorParallel, sizes(deviceMemory), utilization,
                dtype.equalsIgnoreCase("auto") ? null : WeightDtype.parse(dtype),
                kvCacheDtype.equalsIgnoreCase("auto") ? null : KvCacheDType.parse(kvCacheDtype), blockSize,
                maxModelLen == null ? null : tokens("--max-model-len", maxModelLen),
                tokens("--max-num-batched-tokens", maxNumBatchedTokens),
                ropeScaling == null ? null : RopeScaling.parse(ropeScaling).orElse(null), sizes(kvCacheMemory),
                size(weightsMemory), size(activationMemory), size(otherMemory));
    }

    private static List<Long> sizes(String list) {
        if (list == null) return List.of();
        return Arrays.stream(list.split(",")).map(String::trim).map(ByteSize::parse).toList();
    }

    private static Long size(String text) {
        return text == null ? null : ByteSize.parse(text);
    }

    /** A token count: {@code 131072}, {@code 131,072} or {@code 131_072}. */
    private static int tokens(String flag, String text) {
        String digits = text.replace(",", "").replace("_", "").trim().toLowerCase(Locale.ROOT);
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": '" + text + "' is not a number of tokens");
        }
    }
}
