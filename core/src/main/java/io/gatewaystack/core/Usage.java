package io.gatewaystack.core;

/**
 * What a call consumed, as reported by the upstream.
 *
 * @param inputTokens  prompt tokens
 * @param outputTokens completion tokens
 * @param costMicros   cost in millionths of the configured currency unit
 */
public record Usage(long inputTokens, long outputTokens, long costMicros) {
}
