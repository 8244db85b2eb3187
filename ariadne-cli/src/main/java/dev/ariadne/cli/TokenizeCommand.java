package dev.ariadne.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ariadne.tokenizer.Tokenizer;
import dev.ariadne.tokenizer.Tokenizers;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ariadne tokenize}: token ids of a text, as llama-tokenize prints them (special tokens written in the text
 * recognized unless {@code --no-parse-special}; BOS added where the tokenizer says so unless {@code --no-bos}).
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print the token ids of a text (or, with --chat-file, the rendered chat prompt).")
public final class TokenizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "GGUF file (a vocabulary-only one is fine), tokenizer.json, or a model directory.")
    Path model;

    static final class Input {
        @Option(names = "--text", paramLabel = "T", description = "Text to tokenize.")
        String text;

        @Option(names = "--file", paramLabel = "F", description = "File whose bytes (UTF-8) are tokenized.")
        Path file;

        @Option(names = "--chat-file", paramLabel = "REQUEST.json",
                description = "A chat request (messages, tools, add_generation_prompt, template variables): print"
                        + " exactly the prompt the chat template renders.")
        Path chatFile;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--template", paramLabel = "FILE.jinja", description = "Render with this template instead of"
            + " the model's own (with --chat-file).")
    Path template;

    @Option(names = "--no-parse-special", description = "Treat control-token text as plain text.")
    boolean noParseSpecial;

    @Option(names = "--no-bos", description = "Do not add BOS even where the tokenizer would.")
    boolean noBos;

    @Option(names = "--json", description = "Print one JSON object {\"ids\": [...]}.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.exists(model)) {
            throw new IllegalArgumentException(model + ": no such file or directory");
        }
        if (input.chatFile != null) {
            out.print(ChatPrompt.render(model, input.chatFile, template));
            out.flush();
            return 0;
        }
        if (template != null) {
            throw new IllegalArgumentException("--template only applies with --chat-file");
        }
        Tokenizer tokenizer = Tokenizers.load(model);
        String text = input.text != null ? input.text : Files.readString(input.file);
        int[] ids = tokenizer.encode(text, !noBos, !noParseSpecial);
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(Map.of("ids", ids)));
        } else {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < ids.length; i++) {
                if (i > 0) sb.append(", ");
                sb.append(ids[i]);
            }
            out.println(sb.append(']'));
        }
        out.flush();
        return 0;
    }
}
