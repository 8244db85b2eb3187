/**
 * Tokenizers: text to token ids and back, exact to llama.cpp and Hugging Face tokenizers.
 *
 * <pre>
 * GGUF tokenizer.ggml.* ──┐                                  ┌─ BpeTokenizer (byte-level BPE)
 *                         ├─ Tokenizers ─ Vocabulary ────────┤
 * tokenizer.json ─────────┘   (loaders)   (texts, types,     └─ SentencePieceTokenizer (llama.cpp's SPM)
 *                                          pieces, special ids)
 *
 * encode: SpecialTokenSplitter ─ [normalize] ─ PreTokenizer (regexes) ─ BpeModel (merges by rank, cached per word)
 * decode: Vocabulary.decode (whole text) | IncrementalDecoder (streaming, UTF-8 safe) ─ StopStringMatcher
 * </pre>
 *
 * Tokenizers are immutable and thread-safe; {@link dev.ariadne.tokenizer.TokenizerPool} runs them on worker threads
 * for concurrent requests.
 */
package dev.ariadne.tokenizer;
