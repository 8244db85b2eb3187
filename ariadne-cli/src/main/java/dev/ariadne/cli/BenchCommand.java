package dev.ariadne.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ariadne bench}: benchmarks on realistic shapes. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {BenchLatencyCommand.class, BenchThroughputCommand.class, BenchServeCommand.class,
                BenchTokenizerCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "choose a benchmark: latency, throughput, serve or tokenizer");
    }
}
