package dev.ariadne.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ariadne.memory.HostMemory;
import dev.ariadne.memory.MemoryPlanner;
import dev.ariadne.memory.PlannedModel;
import dev.ariadne.memory.PlanInputs;
import dev.ariadne.memory.PlanReport;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ariadne plan} end to end through {@link Main#run}, on the seeds' deployments. */
class PlanCommandTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static String config(String folder) {
        return SharedKit.file("configs/" + folder + "/config.json").toString();
    }

    private static List<String> seed(String... more) {
        List<String> args = new ArrayList<>(List.of("plan", "--model", config("Qwen3-30B-A3B"),
                "--tensor-parallel-size", "4", "--dtype", "half", "--block-size", "32"));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void theSeedsKvBudgetPrintsVllmsStartUpFigures() {
        Run r = run(seed("--kv-cache-memory", "4.30GiB", "--max-model-len", "32768").toArray(String[]::new));
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains("Weights per rank: 14.25GiB from config.json as half"), r.out);
        assertTrue(r.out.contains("KV per token per rank: 24KiB = 1 of 4 KV heads"), r.out);
        assertTrue(r.out.contains("KV cache size: 187,840 tokens (5,870 blocks of 32)"), r.out);
        assertTrue(r.out.contains("Maximum concurrency for 32,768 tokens per request: 5.73x"), r.out);
    }

    @Test
    void theSeedsBreakdownGives4_29GiBAnd5_72x() {
        Run r = run(seed("--max-model-len", "32,768", "--device-memory", "21.66GiB", "--gpu-memory-utilization", "0.93",
                "--weights-memory", "14.25GiB", "--other-memory", "0.20GiB", "--activation-memory", "1.40GiB")
                .toArray(String[]::new));
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains("Memory: 21.66GiB x utilization 0.93 = 20.14GiB"), r.out);
        assertTrue(r.out.contains("KV cache memory: 4.29GiB (total x utilization - weights - activation - other)"),
                r.out);
        assertTrue(r.out.contains("Maximum concurrency for 32,768 tokens per request: 5.72x"), r.out);
    }

    @Test
    void at131072TokensTheLinesExplainWhatAConcurrencyCosts() {
        Run r = run(seed("--max-model-len", "131072", "--kv-cache-memory", "4.07GiB", "--rope-scaling",
                "{\"rope_type\":\"yarn\",\"factor\":4.0,\"original_max_position_embeddings\":32768}")
                .toArray(String[]::new));
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains("Maximum concurrency for 131,072 tokens per request: 1.36x"), r.out);
        assertTrue(r.out.contains("One request of 131,072 tokens takes 4,096 blocks = 3.00GiB of KV per rank;"
                + " a concurrency of c needs c x 3.00GiB on the smallest rank"), r.out);
        assertTrue(r.out.contains("Weights per rank: 14.27GiB"), r.out);
    }

    @Test
    void jsonCarriesTheSameFigures() throws Exception {
        Run r = run(seed("--kv-cache-memory", "4.30GiB", "--max-model-len", "32768", "--json").toArray(String[]::new));
        assertEquals(0, r.code, r.err);
        JsonNode j = new ObjectMapper().readTree(r.out);
        JsonNode cap = j.path("gpu").path("capacity");
        assertEquals(5870, cap.path("num_blocks").asLong());
        assertEquals(187_840, cap.path("tokens").asLong());
        assertEquals("5.73x", cap.path("max_concurrency_text").asText());
        assertEquals(24_576, j.path("gpu").path("kv").path("bytes_per_token_per_rank").asLong());
        assertEquals(20, j.path("gpu").path("what_if").size(), "4 lengths x 5 KV dtypes");
        assertTrue(j.path("gpu").path("budget").path("activation").path("how").asText().contains("estimated"));
    }

    @Test
    void theCpuEnginesStartUpReportAndPlanAgree() throws Exception {
        String[] args = {"plan", "--model", config("Qwen3-0.6B"), "--max-model-len", "32768",
                "--kv-cache-dtype", "q8_0", "--max-num-batched-tokens", "1024"};
        // what the engine logs at start-up for these flags: the same planner, the same report method
        PlanCommand flags = new PlanCommand();
        new CommandLine(flags).parseArgs(java.util.Arrays.copyOfRange(args, 1, args.length));
        PlanInputs in = flags.inputs();
        PlannedModel src = PlannedModel.load(flags.model);
        List<String> startup = PlanReport.startupLines(MemoryPlanner.cpuEngine(src, src.shape(), in,
                HostMemory.detect()));
        assertTrue(startup.stream().anyMatch(l -> l.startsWith("Maximum concurrency for 32,768 tokens")), startup.toString());

        Run text = run(args);
        assertEquals(0, text.code, text.err);
        String cpuSection = text.out.substring(text.out.indexOf("Ariadne CPU engine on this machine"));
        for (String line : startup) {
            assertTrue(cpuSection.contains("  " + line + "\n"), "plan lacks the start-up line: " + line);
        }
        Run json = run(java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--json"))
                .toArray(String[]::new));
        JsonNode report = new ObjectMapper().readTree(json.out).path("cpu").path("startup_report");
        List<String> fromJson = new ArrayList<>();
        report.forEach(n -> fromJson.add(n.asText()));
        assertEquals(startup, fromJson);
    }

    @Test
    void aGgufIsSizedFromItsTensors() {
        Run r = run("plan", "--model", SharedKit.file("models/qwen3/qwen3-Q8_0.gguf").toString(),
                "--max-model-len", "4096");
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains("from GGUF tensors"), r.out);
    }

    @Test
    void badFlagsAreOneLineErrors() {
        Run r = run("plan", "--model", config("Qwen3-0.6B"), "--dtype", "int3");
        assertEquals(1, r.code);
        assertTrue(r.err.startsWith("error: unknown dtype 'int3'"), r.err);
        Run size = run("plan", "--model", config("Qwen3-0.6B"), "--device-memory", "lots");
        assertEquals(1, size.code);
        assertTrue(size.err.contains("is not a size"), size.err);
    }
}
