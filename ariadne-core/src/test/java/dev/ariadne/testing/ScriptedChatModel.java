package dev.ariadne.testing;

import dev.ariadne.tokenizer.Tokenizer;
import dev.ariadne.tokenizer.Tokenizers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real Hugging Face Qwen3 model directory (config.json, model.safetensors, the kit's Qwen3 tokenizer and chat
 * template) whose greedy output is chosen text: after a prompt whose last token is a script's trigger, the model
 * writes the script's text, then {@code <|im_end|>}. For end-to-end tests of what the server does with model output
 * (reasoning and tool-call parsing, streaming, usage) where the kit's random-weight chat model says nothing useful.
 *
 * <p>The weights are a bigram chain. Attention output and MLP down projections are zero, so the residual stream at
 * every position is the token's embedding row, and the final RMSNorm scales it to length sqrt(hidden). Every token
 * with a successor gets its own basis direction ("state") of the hidden space:
 * <pre>
 * script "Hi!" on trigger 271, spelled [13048 "Hi", 0 "!"]:
 *   state 0 = "next is &lt;|im_end|&gt;"   embedding[0]     = e0    lm_head[151645] = w * e0
 *   state 1 = "next is Hi"            embedding[271]   = e1    lm_head[13048]  = w * e1
 *   state 2 = "next is !"             embedding[13048] = e2    lm_head[0]      = w * e2
 * </pre>
 * so the successor's logit is {@code w * sqrt(hidden)} = 100 ({@link #LOGIT}) and every other logit 0: greedy
 * decoding follows the chain, and so does sampling at any usual temperature (the rest of the vocabulary together has
 * probability about 151936 * e^-100). A prompt ending in a token outside every script has a zero hidden state, all
 * logits 0 (RMSNorm of zero is zero, eps keeps it finite) and greedy picks token 0 ({@code !}).
 *
 * <p>A bigram cannot repeat a token, so each script is spelled in ids used once over the whole model, none of them
 * a trigger ({@link UniqueTokenSpeller}); a text that cannot be is refused with the reason. Limits worth knowing:
 * <ul>
 *   <li>The chat template's prompt ends in {@code "\n"} (198, {@link #THINKING_PROMPT_END}) or, with
 *       {@code enable_thinking=false}, in {@code "\n\n"} (271, {@link #NO_THINKING_PROMPT_END}), and a script on
 *       that trigger cannot use the token: {@code "<think>\n"} on 198 is impossible, no other token being a newline
 *       followed by a letter ({@code "<think>The ..."} is fine).</li>
 *   <li>What a text repeats needs as many different spellings: json.dumps' {@code ": } has two, so a tool call with
 *       three keys writes one of them compactly ({@code "city":"Paris"}).</li>
 *   <li>The model sees only the last token, so every chat request to one model gets the same answer; a test that
 *       needs two chat answers writes two models.</li>
 * </ul>
 */
public final class ScriptedChatModel {
    /** {@code <|im_end|>}: ends every script. */
    public static final int IM_END = 151645;
    /** The last token of a Qwen3 chat prompt with the generation prompt: {@code <|im_start|>assistant\n}. */
    public static final int THINKING_PROMPT_END = 198;
    /** The last token with {@code enable_thinking=false}: the template adds {@code <think>\n\n</think>\n\n}. */
    public static final int NO_THINKING_PROMPT_END = 271;

    /** Qwen3's embedding rows (the tokenizer has 151669 tokens; the rest is padding, as in the real checkpoints). */
    static final int VOCAB = 151936;
    /** The successor's logit: a margin no sampling setting or penalty in a test overturns. */
    static final float LOGIT = 100f;
    private static final int MAX_HIDDEN = 1024;
    private static final int HEADS = 2;
    private static final int KV_HEADS = 1;
    private static final int HEAD_DIM = 16;
    private static final int INTERMEDIATE = 64;

    /**
     * One script.
     *
     * @param trigger  the prompt's last token
     * @param text     what the model writes
     * @param tokenIds the text's spelling, without the {@code <|im_end|>} that follows
     */
    public record Script(int trigger, String text, int[] tokenIds) {
        public Script {
            tokenIds = tokenIds.clone();
        }

        @Override
        public int[] tokenIds() {
            return tokenIds.clone();
        }

        /** What greedy generation returns: the spelling, then {@code <|im_end|>}. */
        public int[] outputIds() {
            int[] out = Arrays.copyOf(tokenIds, tokenIds.length + 1);
            out[tokenIds.length] = IM_END;
            return out;
        }
    }

    private final Path dir;
    private final List<Script> scripts;
    private final int hiddenSize;

    private ScriptedChatModel(Path dir, List<Script> scripts, int hiddenSize) {
        this.dir = dir;
        this.scripts = List.copyOf(scripts);
        this.hiddenSize = hiddenSize;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The kit's Qwen3 tokenizer (the one every written directory holds), loaded once per JVM. */
    public static Tokenizer tokenizer() {
        return Kit.TOKENIZER;
    }

    /** The model directory: pass it as the engine's model. */
    public Path dir() {
        return dir;
    }

    public List<Script> scripts() {
        return scripts;
    }

    /** The script on {@code trigger}. */
    public Script script(int trigger) {
        for (Script s : scripts) {
            if (s.trigger == trigger) return s;
        }
        throw new IllegalArgumentException("no script on trigger " + trigger + " in " + dir);
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    /** Basis directions in use: one per script token, plus one shared by every token followed by the end. */
    public int states() {
        return states(scripts);
    }

    private static int states(List<Script> scripts) {
        return 1 + scripts.stream().mapToInt(s -> s.tokenIds.length).sum();
    }

    /** Collects scripts; {@link #write} spells them and writes the directory. */
    public static final class Builder {
        private final Map<Integer, String> scripts = new LinkedHashMap<>();
        private int hiddenSize;

        private Builder() {
        }

        /** After a prompt ending in {@code trigger}, the model writes {@code text} and then ends. */
        public Builder script(int trigger, String text) {
            if (trigger < 0 || trigger >= VOCAB) {
                throw new IllegalArgumentException("trigger " + trigger + " is outside the vocabulary of " + VOCAB);
            }
            if (scripts.putIfAbsent(trigger, text) != null) {
                throw new IllegalArgumentException("trigger " + trigger + " already has a script");
            }
            return this;
        }

        /** The hidden size; by default the smallest of 64, 128, ... that holds every state. */
        public Builder hiddenSize(int h) {
            if (h < 1) throw new IllegalArgumentException("hidden size must be positive, found " + h);
            this.hiddenSize = h;
            return this;
        }

        /** Spells the scripts and writes the model into {@code dir} (created if missing). */
        public ScriptedChatModel write(Path dir) {
            List<Script> spelled = spell();
            int states = states(spelled);
            int h = hiddenSize;
            if (h == 0) {
                h = 64;
                while (h < states && h < MAX_HIDDEN) h *= 2;
            }
            if (states > h) {
                throw new IllegalArgumentException("the scripts need " + states + " states (one per token, plus the"
                        + " end) but the hidden size is " + h + (hiddenSize == 0 ? " at most" : "")
                        + "; shorten them or split them over several models");
            }
            ScriptedChatModel m = new ScriptedChatModel(dir, spelled, h);
            try {
                Files.createDirectories(dir);
                Files.copy(Kit.DIR.resolve("tokenizer.json"), dir.resolve("tokenizer.json"),
                        StandardCopyOption.REPLACE_EXISTING);
                Files.copy(Kit.DIR.resolve("tokenizer_config.json"), dir.resolve("tokenizer_config.json"),
                        StandardCopyOption.REPLACE_EXISTING);
                Files.writeString(dir.resolve("config.json"), configJson(h));
                // Qwen3's end-of-generation ids; no sampling defaults, so requests keep their own (greedy) settings.
                Files.writeString(dir.resolve("generation_config.json"),
                        "{\"bos_token_id\": 151643, \"eos_token_id\": [151645, 151643]}\n");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the scripted model into " + dir + ": " + e.getMessage(),
                        e);
            }
            weights(m).write(dir.resolve("model.safetensors"));
            return m;
        }

        /**
         * The model in a temporary directory shared by this JVM: the same scripts (and hidden size) give the same
         * directory, written once. The directories are deleted when the JVM exits.
         */
        public ScriptedChatModel writeCached() {
            Key key = new Key(List.copyOf(scripts.keySet()), List.copyOf(scripts.values()), hiddenSize);
            return Cache.MODELS.computeIfAbsent(key,
                    k -> write(Cache.ROOT.resolve("model-" + Cache.WRITTEN.incrementAndGet())));
        }

        private List<Script> spell() {
            Map<Integer, String> taken = new HashMap<>();
            for (int eog : Kit.TOKENIZER.endOfGenerationIds()) taken.put(eog, "ends generation");
            int n = 0;
            for (int trigger : scripts.keySet()) taken.put(trigger, "the trigger of script " + n++);
            List<Script> out = new ArrayList<>();
            n = 0;
            for (Map.Entry<Integer, String> e : scripts.entrySet()) {
                String name = "script " + n++ + " (trigger " + e.getKey() + ")";
                int[] ids = Kit.SPELLER.spell(name, e.getValue(), taken);
                for (int id : ids) taken.put(id, "used by " + name);
                out.add(new Script(e.getKey(), e.getValue(), ids));
            }
            return out;
        }
    }

    private record Key(List<Integer> triggers, List<String> texts, int hiddenSize) {
    }

    private static String configJson(int hidden) {
        return String.format(Locale.ROOT, """
                {
                  "architectures": ["Qwen3ForCausalLM"],
                  "model_type": "qwen3",
                  "vocab_size": %d,
                  "hidden_size": %d,
                  "intermediate_size": %d,
                  "num_hidden_layers": 1,
                  "num_attention_heads": %d,
                  "num_key_value_heads": %d,
                  "head_dim": %d,
                  "hidden_act": "silu",
                  "attention_bias": false,
                  "max_position_embeddings": 4096,
                  "rms_norm_eps": 1e-06,
                  "rope_theta": 1000000,
                  "tie_word_embeddings": false,
                  "bos_token_id": 151643,
                  "eos_token_id": %d,
                  "torch_dtype": "bfloat16"
                }
                """, VOCAB, hidden, INTERMEDIATE, HEADS, KV_HEADS, HEAD_DIM, IM_END);
    }

    /**
     * The tensors, in transformers' names and {@code [out, in]} shapes. Norm weights are 1; the projections that
     * write into the residual stream (o_proj, down_proj) are zero, and so, for simplicity, are the others.
     */
    private static SafetensorsWriter weights(ScriptedChatModel m) {
        int h = m.hiddenSize;
        float w = LOGIT / (float) Math.sqrt(h);
        Map<Long, float[]> embedding = new HashMap<>();
        Map<Long, float[]> head = new HashMap<>();
        head.put((long) IM_END * h, unit(h, 0, w));
        int state = 1;
        for (Script s : m.scripts) {
            int prev = s.trigger;
            for (int id : s.tokenIds) {
                embedding.put((long) prev * h, unit(h, state, 1f));
                head.put((long) id * h, unit(h, state, w));
                prev = id;
                state++;
            }
            embedding.put((long) prev * h, unit(h, 0, 1f)); // the last token (or the trigger): next is the end
        }
        int q = HEADS * HEAD_DIM;
        int kv = KV_HEADS * HEAD_DIM;
        SafetensorsWriter st = new SafetensorsWriter()
                .bf16Sparse("model.embed_tokens.weight", embedding, VOCAB, h)
                .bf16Sparse("lm_head.weight", head, VOCAB, h)
                .bf16("model.norm.weight", ones(h), h);
        String l = "model.layers.0.";
        return st.bf16(l + "input_layernorm.weight", ones(h), h)
                .bf16Sparse(l + "self_attn.q_proj.weight", Map.of(), q, h)
                .bf16Sparse(l + "self_attn.k_proj.weight", Map.of(), kv, h)
                .bf16Sparse(l + "self_attn.v_proj.weight", Map.of(), kv, h)
                .bf16(l + "self_attn.q_norm.weight", ones(HEAD_DIM), HEAD_DIM)
                .bf16(l + "self_attn.k_norm.weight", ones(HEAD_DIM), HEAD_DIM)
                .bf16Sparse(l + "self_attn.o_proj.weight", Map.of(), h, q)
                .bf16(l + "post_attention_layernorm.weight", ones(h), h)
                .bf16Sparse(l + "mlp.gate_proj.weight", Map.of(), INTERMEDIATE, h)
                .bf16Sparse(l + "mlp.up_proj.weight", Map.of(), INTERMEDIATE, h)
                .bf16Sparse(l + "mlp.down_proj.weight", Map.of(), h, INTERMEDIATE);
    }

    /** A row of {@code n} zeros with {@code value} at {@code index}. */
    private static float[] unit(int n, int index, float value) {
        float[] row = new float[n];
        row[index] = value;
        return row;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return v;
    }

    /** What every model shares, loaded once per JVM on first use: the kit tokenizer and its speller. */
    private static final class Kit {
        static final Path DIR = SharedKit.file("tokenizers/qwen3");
        static final Tokenizer TOKENIZER = Tokenizers.fromTokenizerJson(DIR);
        static final UniqueTokenSpeller SPELLER = new UniqueTokenSpeller(TOKENIZER);
    }

    /** The directories {@link Builder#writeCached} wrote, under one temporary root removed when the JVM exits. */
    private static final class Cache {
        static final Map<Key, ScriptedChatModel> MODELS = new ConcurrentHashMap<>();
        static final AtomicInteger WRITTEN = new AtomicInteger();
        static final Path ROOT = root();

        private static Path root() {
            try {
                Path root = Files.createTempDirectory("ariadne-scripted-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(root)));
                return root;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary directory: " + e.getMessage(), e);
            }
        }

        private static void delete(Path root) {
            try (Stream<Path> all = Files.walk(root)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // Best effort at exit: a leftover temporary directory is harmless.
            }
        }
    }
}
