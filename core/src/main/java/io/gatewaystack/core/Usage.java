package io.gatewaystack.core;

/**
 * What a call consumed, as reported by the upstream, and what it cost.
 *
 * @param inputTokens       prompt tokens, cached ones included
 * @param outputTokens      completion tokens
 * @param costMicros        cost in millionths of the configured currency unit (0 until priced)
 * @param cachedInputTokens the part of {@code inputTokens} the provider read from its prompt cache (cheaper)
 */
public record Usage(long inputTokens, long outputTokens, long costMicros, long cachedInputTokens) {

    /** Usage without cached tokens. */
    public Usage(long inputTokens, long outputTokens, long costMicros) {
        this(inputTokens, outputTokens, costMicros, 0);
    }

    /** The same tokens at another cost. */
    public Usage withCost(long micros) {
        return new Usage(inputTokens, outputTokens, micros, cachedInputTokens);
    }

    /**
     * Context attribute holding the time to first token of a streamed model answer, in milliseconds (a
     * {@link Number}): written by the LLM gateway when the first content arrives, read by the audit trail.
     */
    public static final String TTFT_ATTRIBUTE = "llm.ttft_ms";
}
