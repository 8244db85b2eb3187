package dev.ariadne.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ariadne.config.EngineConfig;
import dev.ariadne.engine.Generation;
import dev.ariadne.engine.LLM;
import dev.ariadne.engine.StepStats;
import dev.ariadne.sample.SamplingParams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code ariadne bench throughput}: {@code --num-prompts} requests of {@code --input-len} random prompt tokens,
 * submitted at once to the continuous-batching engine, each generating exactly {@code --output-len} greedy tokens
 * (EOS ignored); prints requests/s and tokens/s over the whole batch (vLLM's {@code vllm bench throughput} on its
 * random dataset). One small warm-up batch runs first and is not measured.
 */
@Command(name = "throughput", mixinStandardHelpOptions = true,
        description = "Requests/s and tokens/s of a batch of random prompts served together (after a warm-up).")
public final class BenchThroughputCommand implements Callable<Integer> {
    /** Output tokens of each warm-up request: enough to run prefill and a few batched decode steps. */
    private static final int WARMUP_OUTPUT_LEN = 4;

    @Spec
    CommandSpec spec;

    @Mixin
    EngineOptions engine;

    @Option(names = "--num-prompts", defaultValue = "64", paramLabel = "N", description = "Requests to serve.")
    int numPrompts;

    @Option(names = "--input-len", defaultValue = "512", paramLabel = "N", description = "Prompt tokens per request.")
    int inputLen;

    @Option(names = "--output-len", defaultValue = "128", paramLabel = "N",
            description = "Generated tokens per request.")
    int outputLen;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Seed of the random prompts.")
    long seed;

    @Option(names = "--json", description = "Print one JSON object (vLLM's --output-json fields and more).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (numPrompts < 1 || inputLen < 1 || outputLen < 1) {
            throw new IllegalArgumentException("--num-prompts, --input-len and --output-len must be >= 1, found "
                    + numPrompts + ", " + inputLen + " and " + outputLen);
        }
        PrintWriter out = spec.commandLine().getOut();
        EngineConfig config = engine.toConfig();
        if (config.maxModelLen() == 0) {
            config = config.withMaxModelLen(inputLen + outputLen, true);
        }
        try (LLM llm = LLM.load(config)) {
            // Warm-up: one batch as wide as the measured one, its prompts together one token budget long, so the
            // JIT sees a full prefill step and a few batched decode steps without paying for a second benchmark.
            int warmupCount = Math.min(numPrompts, config.scheduling().maxNumSeqs());
            int warmupLen = Math.min(inputLen, Math.ceilDiv(config.maxNumBatchedTokens(), warmupCount));
            int vocab = llm.modelConfig().vocabSize();
            List<int[]> prompts = randomPrompts(warmupCount + numPrompts, vocab);
            List<int[]> warmup = prompts.subList(0, warmupCount).stream()
                    .map(p -> Arrays.copyOf(p, warmupLen)).toList();
            llm.generate(warmup, SamplingParams.greedy(WARMUP_OUTPUT_LEN));

            List<int[]> measured = prompts.subList(warmupCount, prompts.size());
            StepStats stats = llm.engine().stats();
            stats.reset();
            long start = System.nanoTime();
            List<Generation> gens = llm.generate(measured, SamplingParams.greedy(outputLen));
            double elapsed = (System.nanoTime() - start) / 1e9;
            print(out, config, llm, new Result(gens, elapsed), stats);
        }
        return 0;
    }

    /** Totals over the measured batch. */
    private record Result(int requests, long promptTokens, long outputTokens, long cachedTokens, long preemptions,
                          double elapsed) {
        Result(List<Generation> gens, double elapsed) {
            this(gens.size(), gens.stream().mapToLong(g -> g.promptIds().length).sum(),
                    gens.stream().mapToLong(g -> g.outputIds().length).sum(),
                    gens.stream().mapToLong(Generation::numCachedTokens).sum(),
                    gens.stream().mapToLong(Generation::numPreemptions).sum(), elapsed);
        }

        long totalTokens() {
            return promptTokens + outputTokens;
        }
    }

    private void print(PrintWriter out, EngineConfig config, LLM llm, Result r, StepStats s) throws Exception {
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode o = m.createObjectNode();
            o.put("model", String.valueOf(config.model()));
            o.put("weight_type", llm.weights().dominantType().name());
            o.put("threads", config.threads());
            o.put("max_num_seqs", config.scheduling().maxNumSeqs());
            o.put("max_num_batched_tokens", config.maxNumBatchedTokens());
            o.put("input_len", inputLen);
            o.put("output_len", outputLen);
            o.put("elapsed_time", r.elapsed());
            o.put("num_requests", r.requests());
            o.put("total_num_tokens", r.totalTokens());
            o.put("total_num_prompt_tokens", r.promptTokens());
            o.put("total_num_output_tokens", r.outputTokens());
            o.put("requests_per_second", r.requests() / r.elapsed());
            o.put("tokens_per_second", r.totalTokens() / r.elapsed());
            o.put("output_tokens_per_second", r.outputTokens() / r.elapsed());
            o.put("num_cached_tokens", r.cachedTokens());
            o.put("num_preemptions", r.preemptions());
            // Ariadne's split of the elapsed time: decode-only steps (batched decode speed) and prompt steps.
            o.put("decode_only_steps", s.decodeSteps());
            o.put("decode_only_time", s.decodeSeconds());
            o.put("decode_only_output_tokens", s.decodeTokens());
            o.put("decode_only_output_tokens_per_second", s.decodeTokensPerSecond());
            o.put("decode_only_mean_batch", s.meanDecodeBatch());
            o.put("prefill_steps", s.prefillSteps());
            o.put("prefill_time", s.prefillSeconds());
            o.put("prefill_prompt_tokens", s.prefillPromptTokens());
            o.put("prefill_output_tokens", s.prefillOutputTokens());
            o.put("prefill_prompt_tokens_per_second", s.prefillTokensPerSecond());
            out.println(m.writeValueAsString(o));
        } else {
            out.printf("Throughput: %.2f requests/s, %.2f total tokens/s, %.2f output tokens/s%n",
                    r.requests() / r.elapsed(), r.totalTokens() / r.elapsed(), r.outputTokens() / r.elapsed());
            out.printf("Total num prompt tokens:  %d%n", r.promptTokens());
            out.printf("Total num output tokens:  %d%n", r.outputTokens());
            out.printf("Elapsed: %.2f s for %d requests (%s, %s weights, %d threads, max %d seqs)%n", r.elapsed(),
                    r.requests(), config.model(), llm.weights().dominantType(), config.threads(),
                    config.scheduling().maxNumSeqs());
            out.printf("Decode-only steps: %d in %.2f s, %d output tokens, %.2f output tokens/s (mean batch %.1f)%n",
                    s.decodeSteps(), s.decodeSeconds(), s.decodeTokens(), s.decodeTokensPerSecond(),
                    s.meanDecodeBatch());
            out.printf("Prompt steps:      %d in %.2f s, %d prompt tokens, %.2f prompt tokens/s%n", s.prefillSteps(),
                    s.prefillSeconds(), s.prefillPromptTokens(), s.prefillTokensPerSecond());
            if (r.preemptions() > 0) out.printf("Preemptions: %d%n", r.preemptions());
            if (r.cachedTokens() > 0) out.printf("Prefix cache hits: %d prompt tokens%n", r.cachedTokens());
        }
        out.flush();
    }

    /**
     * Random prompts (vLLM's random dataset): prompt i starts with token {@code (offset + i) % vocab}, so prompts
     * differ from their first token on and the prefix cache has nothing to share (while count <= vocab); the other
     * tokens are uniform.
     */
    private List<int[]> randomPrompts(int count, int vocab) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int offset = rnd.nextInt(vocab);
        List<int[]> prompts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int[] p = new int[inputLen];
            p[0] = (int) ((offset + (long) i) % vocab);
            for (int j = 1; j < inputLen; j++) p[j] = rnd.nextInt(vocab);
            prompts.add(p);
        }
        return prompts;
    }
}
