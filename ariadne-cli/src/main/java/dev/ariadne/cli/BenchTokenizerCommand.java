package dev.ariadne.cli;

import dev.ariadne.tokenizer.Tokenizer;
import dev.ariadne.tokenizer.TokenizerPool;
import dev.ariadne.tokenizer.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * {@code ariadne bench tokenizer}: encoding throughput in MB/s of UTF-8 input, per input file and for all files
 * mixed, on one thread and on a {@link TokenizerPool} (each corpus is cut into documents encoded concurrently).
 */
@Command(name = "tokenizer", mixinStandardHelpOptions = true,
        description = "Tokenizer encode throughput (MB/s), single thread and with a tokenizer pool.")
public final class BenchTokenizerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "GGUF file, tokenizer.json, or model directory.")
    Path model;

    @Option(names = "--file", required = true, paramLabel = "TEXT",
            description = "Input text (repeatable): each file is one row, all files together the 'mixed' row.")
    List<Path> files;

    @Option(names = "--size-mb", defaultValue = "2", paramLabel = "MB",
            description = "Each corpus is its text repeated up to this size.")
    double sizeMb;

    @Option(names = "--pool-size", defaultValue = "2", paramLabel = "N", description = "Tokenizer pool workers.")
    int poolSize;

    @Option(names = "--document-kb", defaultValue = "64", paramLabel = "KB",
            description = "Document size the corpus is cut into.")
    int documentKb;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Tokenizer tokenizer = Tokenizers.load(model);
        List<String> texts = new ArrayList<>();
        for (Path f : files) texts.add(Files.readString(f));
        out.printf("tokenizer: %s%n%n| input | MB | tokens | 1 thread (MB/s) | pool of %d (MB/s) |%n|---|---|---|---|---|%n",
                tokenizer.describe(), poolSize);
        try (TokenizerPool pool = new TokenizerPool(tokenizer, poolSize)) {
            for (int i = 0; i < files.size(); i++) {
                row(out, tokenizer, pool, files.get(i).getFileName().toString(), documents(List.of(texts.get(i))));
            }
            if (files.size() > 1) {
                row(out, tokenizer, pool, "mixed", documents(texts));
            }
        }
        out.flush();
        return 0;
    }

    /** The texts interleaved and repeated up to the corpus size, cut at character boundaries into documents. */
    private List<String> documents(List<String> texts) {
        long target = (long) (sizeMb * 1_000_000);
        int docChars = documentKb * 1024 / 2;
        List<String> docs = new ArrayList<>();
        long bytes = 0;
        StringBuilder doc = new StringBuilder();
        int[] cursor = new int[texts.size()];
        int which = 0;
        while (bytes < target) {
            String t = texts.get(which);
            int end = Math.min(t.length(), cursor[which] + 4096);
            if (end < t.length() && Character.isHighSurrogate(t.charAt(end - 1))) end++;
            String piece = t.substring(cursor[which], end);
            cursor[which] = end >= t.length() ? 0 : end;
            which = (which + 1) % texts.size();
            doc.append(piece);
            bytes += piece.getBytes(StandardCharsets.UTF_8).length;
            if (doc.length() >= docChars) {
                docs.add(doc.toString());
                doc.setLength(0);
            }
        }
        if (!doc.isEmpty()) docs.add(doc.toString());
        return docs;
    }

    private void row(PrintWriter out, Tokenizer tokenizer, TokenizerPool pool, String name, List<String> docs) {
        long bytes = 0;
        for (String d : docs) bytes += d.getBytes(StandardCharsets.UTF_8).length;
        for (String d : docs) tokenizer.encode(d, false, true); // warm-up: JIT and the BPE word cache
        long tokens = 0;
        long t0 = System.nanoTime();
        for (String d : docs) tokens += tokenizer.encode(d, false, true).length;
        double single = bytes / 1e6 / ((System.nanoTime() - t0) / 1e9);
        long t1 = System.nanoTime();
        List<CompletableFuture<int[]>> futures = new ArrayList<>();
        for (String d : docs) futures.add(pool.encode(d, false, true));
        for (CompletableFuture<int[]> f : futures) f.join();
        double pooled = bytes / 1e6 / ((System.nanoTime() - t1) / 1e9);
        out.printf("| %s | %.1f | %,d | %.1f | %.1f |%n", name, bytes / 1e6, tokens, single, pooled);
    }
}
