package dev.ariadne.cli;

import dev.ariadne.engine.LLM;
import dev.ariadne.engine.Perplexity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ariadne perplexity}: llama-perplexity's protocol on a text file. */
@Command(name = "perplexity", mixinStandardHelpOptions = true,
        description = "Perplexity of a text file in non-overlapping chunks of --ctx tokens (llama-perplexity's protocol).")
public final class PerplexityCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EngineOptions engine;

    @Option(names = "--file", required = true, paramLabel = "TEXT", description = "Text file to score.")
    Path file;

    @Option(names = "--ctx", required = true, paramLabel = "N", description = "Chunk length in tokens.")
    int ctx;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such file");
        }
        String text = Files.readString(file);
        // llama-perplexity reads the file with its final newline removed.
        if (text.endsWith("\n")) text = text.substring(0, text.length() - 1);
        var config = engine.toConfig();
        if (config.maxModelLen() < ctx) {
            config = config.withMaxModelLen(ctx, true);
        }
        try (LLM llm = engine.load(config, spec)) {
            int trained = llm.modelConfig().contextLength();
            if (ctx > trained) {
                err.printf("warning: --ctx %d exceeds the model's stated context length %d; running anyway%n", ctx,
                        trained);
            }
            TextCodec codec = TextCodec.forModel(llm);
            int[] tokens = codec.encodeDocument(text);
            int chunks = tokens.length / ctx;
            err.printf("perplexity: tokenized %d tokens, %d chunks of %d, scoring the last %d of each%n",
                    tokens.length, chunks, ctx, ctx - 1 - ctx / 2);
            long start = System.nanoTime();
            Perplexity.Result r = Perplexity.run(llm, tokens, ctx, codec.bosForChunks(),
                    (c, ppl) -> {
                        out.printf("[%d]%.4f,", c + 1, ppl);
                        out.flush();
                    });
            out.println();
            double seconds = (System.nanoTime() - start) / 1e9;
            err.printf("perplexity: %.2f s, %.1f tokens/s%n", seconds, chunks * (double) ctx / seconds);
            out.printf("Final estimate: PPL = %.4f +/- %.5f%n", r.ppl(), r.stderr());
            out.flush();
        }
        return 0;
    }
}
