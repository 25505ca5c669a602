package io.gatewaystack.server.admin.limits;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The Limits page: rate limits (when configured), then budgets and token limits (when configured). */
public final class LimitsPage implements LimitsView {

    private final ObservedLimitStore rates;
    private final ObservedBudgetStore budgets;

    /** Either may be null when that kind of limit is not configured. */
    public LimitsPage(ObservedLimitStore rates, ObservedBudgetStore budgets) {
        this.rates = rates;
        this.budgets = budgets;
    }

    @Override
    public CompletionStage<List<Section>> sections(String tenant) {
        List<Section> first = rates == null ? List.of() : rates.sections(tenant);
        CompletionStage<List<Section>> second = budgets == null
                ? CompletableFuture.completedFuture(List.of()) : budgets.sections(tenant);
        return second.thenApply(more -> {
            List<Section> all = new ArrayList<>(first);
            all.addAll(more);
            return List.copyOf(all);
        });
    }

    @Override
    public StoreHealth storeHealth() {
        return rates != null ? rates.storeHealth() : new StoreHealth("none", "off", "no rate limits configured");
    }
}
