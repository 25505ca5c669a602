package io.gatewaystack.limits.budget;

/**
 * What a call costs in every unit a budget can meter: tokens in, tokens out, and money.
 *
 * @param inputTokens  prompt tokens (cached ones included)
 * @param outputTokens completion tokens
 * @param costMicros   money in millionths of the price table's currency (USD by default)
 */
public record Amounts(long inputTokens, long outputTokens, long costMicros) {

    public static final Amounts ZERO = new Amounts(0, 0, 0);

    public Amounts {
        if (inputTokens < 0 || outputTokens < 0 || costMicros < 0) {
            throw new IllegalArgumentException("amounts cannot be negative");
        }
    }

    /** The amount of this call in the unit {@code meter} counts. */
    public long of(Meter meter) {
        return switch (meter) {
            case COST -> costMicros;
            case INPUT_TOKENS -> inputTokens;
            case OUTPUT_TOKENS -> outputTokens;
            case TOTAL_TOKENS -> inputTokens + outputTokens;
        };
    }
}
