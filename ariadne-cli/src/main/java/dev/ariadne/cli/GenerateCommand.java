package dev.ariadne.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ariadne.engine.Generation;
import dev.ariadne.engine.LLM;
import dev.ariadne.engine.TokenSink;
import dev.ariadne.sample.SamplingParams;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ariadne generate}: one prompt in, streamed text out; or a JSONL batch in, JSON lines out. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate a continuation of a prompt and stream it to stdout.")
public final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EngineOptions engine;

    static final class PromptSource {
        @Option(names = "--prompt", paramLabel = "TEXT", description = "Prompt text (tokenized by the model's tokenizer).")
        String text;

        @Option(names = "--prompt-ids", paramLabel = "IDS", split = ",",
                description = "Prompt token ids, used exactly as given (no BOS added).")
        int[] ids;

        @Option(names = "--batch-file", paramLabel = "JSONL",
                description = "Many requests, one JSON object per line (prompt or prompt_ids, plus vLLM sampling"
                        + " fields: max_tokens, temperature, top_p, top_k, min_p, repetition/presence/frequency"
                        + " penalties, seed, ignore_eos, stop, logprobs), all submitted to the engine at once;"
                        + " one JSON line out per request, in input order.")
        Path batchFile;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    PromptSource prompt;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "64", description = "Tokens to generate at most.")
    int maxTokens;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.8",
            description = "Sampling temperature; 0 is greedy.")
    float temperature;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "0.95", description = "Nucleus sampling mass.")
    float topP;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "40", description = "Keep the K most likely; 0 = all.")
    int topK;

    @Option(names = "--seed", paramLabel = "S", description = "Sampling seed (default: random).")
    Long seed;

    @Option(names = "--ignore-eos", description = "Keep generating past end-of-sequence tokens.")
    boolean ignoreEos;

    @Option(names = "--json", description = "Print one JSON object instead of streaming text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (LLM llm = engine.load(engine.toConfig(), spec)) {
            TextCodec codec = TextCodec.forModel(llm);
            SamplingParams params = new SamplingParams(temperature, topP, topK,
                    seed != null ? seed : System.nanoTime(), maxTokens, codec.stopTokenIds(), ignoreEos);
            if (prompt.batchFile != null) {
                runBatch(llm, codec, params, out);
                return 0;
            }
            int[] ids = prompt.ids != null ? prompt.ids : codec.encodePrompt(prompt.text);
            TextCodec.Stream stream = codec.stream();
            // --json takes the engine's text; streaming prints each piece as it completes.
            Generation g = llm.generate(ids, params, json ? TokenSink.NONE : (i, token) -> {
                String piece = stream.add(token);
                if (!piece.isEmpty()) {
                    out.print(piece);
                    out.flush();
                }
            });
            String tail = json ? "" : stream.finish();
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode o = mapper.createObjectNode();
                o.set("prompt_ids", mapper.valueToTree(ids));
                o.set("output_ids", mapper.valueToTree(g.outputIds()));
                o.put("text", g.text() != null ? g.text() : "");
                o.put("finish_reason", g.finishReason());
                o.put("prefill_tokens_per_s", round(g.prefillTokensPerSecond()));
                o.put("decode_tokens_per_s", round(g.decodeTokensPerSecond()));
                out.println(mapper.writeValueAsString(o));
            } else {
                out.println(tail);
                spec.commandLine().getErr().printf("%n[prompt %d tokens, %.1f t/s prefill; %d tokens out, %.1f t/s"
                                + " decode; finish %s]%n", ids.length, g.prefillTokensPerSecond(),
                        g.outputIds().length, g.decodeTokensPerSecond(), g.finishReason());
            }
            out.flush();
        }
        return 0;
    }

    private void runBatch(LLM llm, TextCodec codec, SamplingParams defaults, PrintWriter out) throws Exception {
        List<BatchFile.Item> items = BatchFile.read(prompt.batchFile, defaults, codec);
        List<Generation> results = llm.generate(items.stream().map(BatchFile.Item::promptIds).toList(),
                items.stream().map(BatchFile.Item::params).toList());
        ObjectMapper mapper = new ObjectMapper();
        for (int i = 0; i < results.size(); i++) {
            Generation g = results.get(i);
            ObjectNode o = mapper.createObjectNode();
            o.put("index", i);
            o.set("prompt_ids", mapper.valueToTree(g.promptIds()));
            o.set("output_ids", mapper.valueToTree(g.outputIds()));
            o.put("text", g.text() != null ? g.text() : "");
            o.put("finish_reason", g.finishReason());
            o.put("num_cached_tokens", g.numCachedTokens());
            if (g.logprobs() != null) o.set("logprobs", logprobsJson(mapper, g));
            out.println(mapper.writeValueAsString(o));
        }
        out.flush();
    }

    /** Per output token: its logprob and the top alternatives, as {@code {"token", "logprob", "top"}}. */
    private static com.fasterxml.jackson.databind.node.ArrayNode logprobsJson(ObjectMapper mapper, Generation g) {
        var arr = mapper.createArrayNode();
        for (var lp : g.logprobs()) {
            ObjectNode t = arr.addObject();
            t.put("token", lp.token());
            t.put("logprob", lp.logprob());
            var top = t.putArray("top");
            for (int i = 0; i < lp.topIds().length; i++) {
                top.addObject().put("token", lp.topIds()[i]).put("logprob", lp.topLogprobs()[i]);
            }
        }
        return arr;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    @Override
    public String toString() {
        return "generate " + Arrays.toString(prompt.ids);
    }
}
