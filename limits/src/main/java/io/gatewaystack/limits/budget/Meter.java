package io.gatewaystack.limits.budget;

/** What a {@link BudgetRule} counts. Money budgets count {@link #COST}; token limits count one of the token meters. */
public enum Meter {
    /** Money, in millionths of the price table's currency. A denial is 429 {@code budget_exceeded}. */
    COST,
    /** Prompt tokens. A denial is 429 {@code rate_limited} (the contract's "token limit"). */
    INPUT_TOKENS,
    /** Completion tokens. */
    OUTPUT_TOKENS,
    /** Prompt plus completion tokens. */
    TOTAL_TOKENS;

    public boolean isMoney() {
        return this == COST;
    }
}
