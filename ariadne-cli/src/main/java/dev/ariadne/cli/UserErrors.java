package dev.ariadne.cli;

import dev.ariadne.io.ModelFileException;
import dev.ariadne.json.JsonException;
import picocli.CommandLine;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Turns the errors a user can act on (a bad model file, bad JSON, a missing file, a bad argument) into one clear
 * line on stderr and exit code 1; anything else is a bug and keeps its stack trace.
 */
final class UserErrors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        if (ex instanceof ModelFileException || ex instanceof JsonException || ex instanceof IllegalArgumentException
                || ex instanceof IOException || ex instanceof UncheckedIOException
                || ex instanceof UnsupportedOperationException || ex instanceof IllegalStateException) {
            String msg = ex.getMessage() != null ? ex.getMessage() : ex.toString();
            cmd.getErr().println("error: " + msg);
            cmd.getErr().flush();
            return 1;
        }
        ex.printStackTrace(cmd.getErr());
        return 2;
    }
}
