package io.gatewaystack.limits.budget;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Model prices, looked up by the provider's model name: an exact name first, then the longest configured prefix
 * ({@code gpt-4o} prices {@code gpt-4o-2024-08-06}), then the default price.
 *
 * <p>{@link #defaults()} holds list prices in USD per million tokens as published by OpenAI, Anthropic and Google in
 * late 2025. Prices change: operators should pin their own in configuration, which replaces these entry by entry.
 *
 * @param prices       model name or prefix → price
 * @param defaultPrice the price of a model the table does not know; null when such a model cannot be priced, which
 *                     makes a request for it fail a money budget's pre-flight (an unpriced call cannot be bounded)
 */
public record PriceTable(Map<String, Price> prices, Price defaultPrice) {

    public PriceTable {
        Map<String, Price> copy = new LinkedHashMap<>();
        prices.forEach((k, v) -> copy.put(k.toLowerCase(Locale.ROOT), Objects.requireNonNull(v, k)));
        prices = Map.copyOf(copy);
    }

    /** The built-in list prices, with no default: unknown models are unpriced. */
    public static PriceTable defaults() {
        Map<String, Price> p = new LinkedHashMap<>();
        // OpenAI
        p.put("gpt-5", new Price(1.25, 10.00, 0.125));
        p.put("gpt-5-mini", new Price(0.25, 2.00, 0.025));
        p.put("gpt-5-nano", new Price(0.05, 0.40, 0.005));
        p.put("gpt-4.1", new Price(2.00, 8.00, 0.50));
        p.put("gpt-4.1-mini", new Price(0.40, 1.60, 0.10));
        p.put("gpt-4.1-nano", new Price(0.10, 0.40, 0.025));
        p.put("gpt-4o", new Price(2.50, 10.00, 1.25));
        p.put("gpt-4o-mini", new Price(0.15, 0.60, 0.075));
        p.put("o3", new Price(2.00, 8.00, 0.50));
        p.put("o4-mini", new Price(1.10, 4.40, 0.275));
        p.put("text-embedding-3-small", Price.of(0.02, 0));
        p.put("text-embedding-3-large", Price.of(0.13, 0));
        // Anthropic (cache reads at a tenth of input)
        p.put("claude-opus-4-5", new Price(5.00, 25.00, 0.50));
        p.put("claude-opus-4", new Price(15.00, 75.00, 1.50));
        p.put("claude-sonnet-4", new Price(3.00, 15.00, 0.30));
        p.put("claude-haiku-4-5", new Price(1.00, 5.00, 0.10));
        p.put("claude-3-5-haiku", new Price(0.80, 4.00, 0.08));
        // Google
        p.put("gemini-2.5-pro", new Price(1.25, 10.00, 0.31));
        p.put("gemini-2.5-flash", new Price(0.30, 2.50, 0.075));
        return new PriceTable(p, null);
    }

    /** This table with {@code overrides} on top (entry by entry) and, when not null, a new default. */
    public PriceTable with(Map<String, Price> overrides, Price newDefault) {
        Map<String, Price> merged = new LinkedHashMap<>(prices);
        overrides.forEach((k, v) -> merged.put(k.toLowerCase(Locale.ROOT), v));
        return new PriceTable(merged, newDefault != null ? newDefault : defaultPrice);
    }

    /** The price of {@code model}, or null when it has none (see {@link #defaultPrice()}). */
    public Price priceOf(String model) {
        if (model == null) {
            return defaultPrice;
        }
        String name = model.toLowerCase(Locale.ROOT);
        Price exact = prices.get(name);
        if (exact != null) {
            return exact;
        }
        String best = null;
        for (String prefix : prices.keySet()) {
            if (name.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        return best != null ? prices.get(best) : defaultPrice;
    }
}
