package io.gatewaystack.server.config;

import io.gatewaystack.limits.budget.BudgetsConfig;
import io.gatewaystack.limits.budget.Price;
import io.gatewaystack.limits.budget.PriceTable;

import java.util.Map;
import java.util.Objects;

/**
 * Money budgets, token limits and the prices they rest on ({@code limits.budgets}, {@code limits.token_limits},
 * {@code limits.prices}, {@code limits.tool_prices}).
 *
 * @param budgets                the rules, reservation TTL, failure mode and settlement spool
 * @param prices                 model prices (built-in list prices with the configured ones on top)
 * @param fallbackPrice          the price of a model the table does not know (conservative by default)
 * @param toolPrices             tool name → price per call, in micro-units
 * @param defaultMaxOutputTokens the output worst case of a model call that sets no maximum
 */
public record BudgetSettings(BudgetsConfig budgets, PriceTable prices, Price fallbackPrice, Map<String, Long> toolPrices,
                             long defaultMaxOutputTokens) {

    /** Claude Opus 4's list price: dearer than every default model, so an unknown model is never under-reserved. */
    public static final Price CONSERVATIVE = new Price(15.00, 75.00, 15.00);

    public BudgetSettings {
        Objects.requireNonNull(budgets, "budgets");
        Objects.requireNonNull(prices, "prices");
        Objects.requireNonNull(fallbackPrice, "fallbackPrice");
        toolPrices = Map.copyOf(toolPrices);
    }

    /** No budgets; list prices, so the audit trail still reports cost. */
    public static BudgetSettings none() {
        return new BudgetSettings(BudgetsConfig.NONE, PriceTable.defaults(), CONSERVATIVE, Map.of(), 4096);
    }
}
