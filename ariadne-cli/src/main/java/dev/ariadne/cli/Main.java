package dev.ariadne.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/ariadne}: one subcommand per job. */
@Command(name = "ariadne", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Long-context LLM inference on the JVM.",
        subcommands = {
                CommandLine.HelpCommand.class,
                GenerateCommand.class,
                PerplexityCommand.class,
                BenchCommand.class,
                PlanCommand.class,
                TokenizeCommand.class,
                ServeCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code; errors the user can fix are printed as one line, not a trace. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** As {@link #run(String...)}, writing to the given streams (tests, embedding). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(new UserErrors());
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
