package io.gatewaystack.proxy.llm;

/**
 * Tokens a call consumed, as the provider reported them.
 *
 * @param inputTokens       all input (prompt) tokens, <em>including</em> cached ones: OpenAI {@code prompt_tokens};
 *                          Anthropic {@code input_tokens + cache_read_input_tokens + cache_creation_input_tokens}
 * @param outputTokens      output (completion) tokens: OpenAI {@code completion_tokens}; Anthropic {@code output_tokens}
 * @param cachedInputTokens the part of {@code inputTokens} read from the provider's prompt cache: OpenAI
 *                          {@code prompt_tokens_details.cached_tokens}; Anthropic {@code cache_read_input_tokens}
 */
public record TokenUsage(long inputTokens, long outputTokens, long cachedInputTokens) {

    /** Nothing reported (yet). */
    public static final TokenUsage NONE = new TokenUsage(0, 0, 0);

    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    /** True when the provider reported anything at all. */
    public boolean reported() {
        return !equals(NONE);
    }
}
