package dev.ariadne.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ariadne.chat.jinja.Template;
import dev.ariadne.io.gguf.GGUFFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's chat template, rendered as transformers' {@code apply_chat_template(messages, tools=...,
 * add_generation_prompt=..., **kwargs)} renders it (see {@link Template} for the jinja2 environment), with the
 * tokenizer's special tokens ({@code bos_token}, {@code eos_token}, ...) as variables.
 *
 * <p>A message whose content is a list of parts is passed as it is to a template that loops over
 * {@code message.content}; for a template that treats content as a string (Qwen's), the text parts are joined with
 * newlines first, as vLLM does.
 */
public final class ChatTemplate {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SPECIAL_TOKENS = List.of("bos_token", "eos_token", "unk_token", "sep_token",
            "pad_token", "cls_token", "mask_token");

    /** The template by name: "default", and others such as "tool_use" when the config has a list. */
    private final Map<String, Template> templates;
    private final Map<String, Object> specialTokens;
    private final Clock clock;
    private final Map<Template, Boolean> loopsOverContent = new java.util.concurrent.ConcurrentHashMap<>();

    private ChatTemplate(Map<String, Template> templates, Map<String, Object> specialTokens, Clock clock) {
        this.templates = templates;
        this.specialTokens = Map.copyOf(specialTokens);
        this.clock = clock;
    }

    /** A template from its source text. */
    public static ChatTemplate fromString(String source, Map<String, Object> specialTokens) {
        return new ChatTemplate(Map.of("default", Template.parse(source)), specialTokens, Clock.systemDefaultZone());
    }

    /** A {@code .jinja} file with the special tokens to expose ({@code eos_token} and the like). */
    public static ChatTemplate fromFile(Path jinja, Map<String, Object> specialTokens) {
        return fromString(read(jinja), specialTokens);
    }

    /**
     * The {@code chat_template} of a Hugging Face {@code tokenizer_config.json}: a string, or a list of
     * {@code {"name", "template"}} (as transformers: "tool_use" when tools are given and it exists, else "default");
     * without one, a {@code chat_template.jinja} beside the config. Special tokens come from the same config.
     */
    public static ChatTemplate fromTokenizerConfig(Path config) {
        JsonNode root;
        try {
            root = JSON.readTree(config.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer config " + config + ": " + e.getMessage(), e);
        }
        Map<String, Object> tokens = specialTokens(root);
        Map<String, Template> templates = new LinkedHashMap<>();
        JsonNode chat = root.get("chat_template");
        if (chat == null || chat.isNull()) {
            Path sibling = config.resolveSibling("chat_template.jinja");
            if (!Files.isRegularFile(sibling)) {
                throw new IllegalArgumentException(config + " has no \"chat_template\" (and there is no "
                        + "chat_template.jinja beside it); pass a template file");
            }
            templates.put("default", Template.parse(read(sibling)));
        } else if (chat.isTextual()) {
            templates.put("default", Template.parse(chat.asText()));
        } else if (chat.isArray()) {
            for (JsonNode named : chat) {
                templates.put(named.path("name").asText(), Template.parse(named.path("template").asText()));
            }
        } else {
            throw new IllegalArgumentException(config + ": \"chat_template\" must be a string or a list of "
                    + "{\"name\", \"template\"}");
        }
        return new ChatTemplate(templates, tokens, Clock.systemDefaultZone());
    }

    /**
     * The {@code tokenizer.chat_template} of a GGUF file; {@code bos_token}, {@code eos_token}, {@code pad_token}
     * and {@code unk_token} are the texts of the vocabulary's special token ids, as llama.cpp passes them.
     */
    public static ChatTemplate fromGGUF(Path path) {
        try (GGUFFile gguf = GGUFFile.open(path)) {
            if (!gguf.has("tokenizer.chat_template")) {
                throw new IllegalArgumentException(path + " has no tokenizer.chat_template; pass a template file");
            }
            return fromString(gguf.getString("tokenizer.chat_template"), specialTokens(gguf));
        }
    }

    /**
     * The special-token variables a template sees ({@code bos_token}, {@code eos_token}, ...) for a model: a GGUF
     * file, a tokenizer_config.json, or a directory (or tokenizer.json) with tokenizer_config.json beside it; empty
     * when there is none.
     */
    public static Map<String, Object> specialTokensOf(Path model) {
        if (Files.isRegularFile(model) && model.getFileName().toString().endsWith(".gguf")) {
            try (GGUFFile gguf = GGUFFile.open(model)) {
                return specialTokens(gguf);
            }
        }
        Path config = tokenizerConfigOf(model);
        if (config == null) {
            return Map.of();
        }
        try {
            return specialTokens(JSON.readTree(config.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer config " + config + ": " + e.getMessage(), e);
        }
    }

    /** The model's own template: GGUF metadata, or the tokenizer_config.json of a directory or beside a file. */
    public static ChatTemplate ofModel(Path model) {
        if (Files.isRegularFile(model) && model.getFileName().toString().endsWith(".gguf")) {
            return fromGGUF(model);
        }
        Path config = tokenizerConfigOf(model);
        if (config == null) {
            throw new IllegalArgumentException(model + ": no chat template found (no GGUF tokenizer.chat_template and"
                    + " no tokenizer_config.json); pass --template");
        }
        return fromTokenizerConfig(config);
    }

    private static Path tokenizerConfigOf(Path model) {
        Path candidate;
        if (Files.isDirectory(model)) {
            candidate = model.resolve("tokenizer_config.json");
        } else if (model.getFileName().toString().equals("tokenizer_config.json")) {
            candidate = model;
        } else {
            candidate = model.resolveSibling("tokenizer_config.json");
        }
        return Files.isRegularFile(candidate) ? candidate : null;
    }

    private static Map<String, Object> specialTokens(JsonNode root) {
        Map<String, Object> tokens = new HashMap<>();
        for (String name : SPECIAL_TOKENS) {
            String value = tokenText(root.get(name));
            if (value != null) {
                tokens.put(name, value);
            }
        }
        JsonNode extra = root.get("additional_special_tokens");
        if (extra != null && extra.isArray()) {
            List<Object> list = new ArrayList<>();
            extra.forEach(t -> list.add(tokenText(t)));
            tokens.put("additional_special_tokens", list);
        }
        return tokens;
    }

    private static Map<String, Object> specialTokens(GGUFFile gguf) {
        Map<String, Object> tokens = new HashMap<>();
        if (gguf.has("tokenizer.ggml.tokens")) {
            String[] vocab = gguf.getStringArray("tokenizer.ggml.tokens");
            putToken(gguf, vocab, "tokenizer.ggml.bos_token_id", "bos_token", tokens);
            putToken(gguf, vocab, "tokenizer.ggml.eos_token_id", "eos_token", tokens);
            putToken(gguf, vocab, "tokenizer.ggml.padding_token_id", "pad_token", tokens);
            putToken(gguf, vocab, "tokenizer.ggml.unknown_token_id", "unk_token", tokens);
        }
        return tokens;
    }

    private static void putToken(GGUFFile gguf, String[] vocab, String key, String name, Map<String, Object> out) {
        if (gguf.has(key)) {
            int id = gguf.getInt(key);
            if (id >= 0 && id < vocab.length) {
                out.put(name, vocab[id]);
            }
        }
    }

    /** A copy whose {@code strftime_now} reads {@code clock} (for tests of date-stamped templates). */
    public ChatTemplate withClock(Clock newClock) {
        return new ChatTemplate(templates, specialTokens, newClock);
    }

    /** The special tokens the template sees. */
    public Map<String, Object> specialTokens() {
        return specialTokens;
    }

    /** The prompt text for {@code request}; a template error (or its raise_exception) is a TemplateException. */
    public String render(ChatRequest request) {
        Template template = select(request.tools() != null);
        Map<String, Object> vars = new HashMap<>(specialTokens);
        vars.putAll(request.kwargs());
        boolean partsAsList = partsAsList(template);
        vars.put("messages", partsAsList ? request.messages() : flattenContent(request.messages()));
        vars.put("tools", request.tools());
        vars.putIfAbsent("documents", null);
        vars.put("add_generation_prompt", request.addGenerationPrompt());
        return template.render(vars, clock);
    }

    /** Whether the template loops over message content (so takes a list of parts), computed once per template. */
    private boolean partsAsList(Template template) {
        return loopsOverContent.computeIfAbsent(template, t -> t.loopsOver("content"));
    }

    private Template select(boolean hasTools) {
        if (hasTools && templates.containsKey("tool_use")) {
            return templates.get("tool_use");
        }
        Template t = templates.get("default");
        if (t == null) {
            throw new IllegalArgumentException("the tokenizer config has no \"default\" chat template, only "
                    + templates.keySet());
        }
        return t;
    }

    /** Content given as a list of parts becomes the newline-joined text of its text parts. */
    private static List<Map<String, Object>> flattenContent(List<Map<String, Object>> messages) {
        List<Map<String, Object>> out = new ArrayList<>(messages.size());
        for (Map<String, Object> m : messages) {
            if (m.get("content") instanceof List<?> parts) {
                List<String> texts = new ArrayList<>();
                for (Object part : parts) {
                    if (!(part instanceof Map<?, ?> p) || !"text".equals(p.get("type"))
                            || !(p.get("text") instanceof String text)) {
                        throw new IllegalArgumentException("only text content parts ({\"type\": \"text\", "
                                + "\"text\": ...}) are supported, got: " + part);
                    }
                    texts.add(text);
                }
                Map<String, Object> copy = new LinkedHashMap<>(m);
                copy.put("content", String.join("\n", texts));
                m = copy;
            }
            out.add(m);
        }
        return out;
    }

    private static String tokenText(JsonNode token) {
        if (token == null || token.isNull()) {
            return null;
        }
        return token.isObject() ? token.path("content").asText(null) : token.asText();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read chat template " + file + ": " + e.getMessage(), e);
        }
    }
}
