package dev.ariadne.cli;

import dev.ariadne.chat.ChatRequest;
import dev.ariadne.chat.ChatTemplate;

import java.nio.file.Path;

/** Renders a chat request file with the model's own template or a given one (tokenize --chat-file). */
final class ChatPrompt {
    private ChatPrompt() {
    }

    static String render(Path model, Path requestFile, Path template) {
        ChatRequest request = ChatRequest.read(requestFile);
        ChatTemplate t = template != null
                ? ChatTemplate.fromFile(template, ChatTemplate.specialTokensOf(model))
                : ChatTemplate.ofModel(model);
        return t.render(request);
    }
}
