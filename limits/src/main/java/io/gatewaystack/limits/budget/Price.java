package io.gatewaystack.limits.budget;

/**
 * What a model charges, in the price table's currency per million tokens.
 *
 * @param input       per million prompt tokens not read from the provider's cache
 * @param output      per million completion tokens
 * @param cachedInput per million prompt tokens read from the provider's prompt cache
 */
public record Price(double input, double output, double cachedInput) {

    public static final Price FREE = new Price(0, 0, 0);

    public Price {
        if (input < 0 || output < 0 || cachedInput < 0 || !Double.isFinite(input + output + cachedInput)) {
            throw new IllegalArgumentException("prices must be finite and not negative");
        }
    }

    /** A price whose cached input costs the same as fresh input. */
    public static Price of(double input, double output) {
        return new Price(input, output, input);
    }

    /**
     * The cost in micro-units of a call, rounded up so that estimates never fall short.
     *
     * @param inputTokens  all prompt tokens, cached ones included
     * @param cachedTokens the part of {@code inputTokens} read from the cache
     * @param outputTokens completion tokens
     */
    public long costMicros(long inputTokens, long cachedTokens, long outputTokens) {
        long cached = Math.min(Math.max(0, cachedTokens), inputTokens);
        // price per million tokens * tokens = micro-units exactly, so no scaling is needed.
        double micros = (inputTokens - cached) * input + cached * cachedInput + outputTokens * output;
        return (long) Math.ceil(micros);
    }

    /** The dearer of two prices, per component: the worst case over several possible targets. */
    public Price max(Price other) {
        return new Price(Math.max(input, other.input), Math.max(output, other.output),
                Math.max(cachedInput, other.cachedInput));
    }
}
