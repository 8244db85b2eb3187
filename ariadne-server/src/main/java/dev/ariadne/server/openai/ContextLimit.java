package dev.ariadne.server.openai;

/** The context-length rule of vLLM's serving layer, with its messages (clients and users grep for them). */
final class ContextLimit {
    private ContextLimit() {
    }

    /**
     * The tokens a request may generate: {@code requested}, or what the context leaves when null. A prompt that
     * fills the context, or a prompt plus {@code max_tokens} beyond it, is a 400 that says the numbers.
     */
    static int maxTokens(int promptTokens, Integer requested, int maxModelLen, String promptParam) {
        if (promptTokens >= maxModelLen) {
            throw ApiError.badRequest("This model's maximum context length is " + maxModelLen
                    + " tokens. However, your request has " + promptTokens
                    + " input tokens. Please reduce the length of the input messages.", promptParam);
        }
        if (requested == null) return maxModelLen - promptTokens;
        if ((long) promptTokens + requested > maxModelLen) {
            throw ApiError.badRequest("'max_tokens' or 'max_completion_tokens' is too large: " + requested
                    + ". This model's maximum context length is " + maxModelLen + " tokens and your request has "
                    + promptTokens + " input tokens (" + requested + " > " + maxModelLen + " - " + promptTokens
                    + ").", "max_tokens");
        }
        return requested;
    }
}
