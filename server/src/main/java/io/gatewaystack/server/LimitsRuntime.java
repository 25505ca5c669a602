package io.gatewaystack.server;

import io.gatewaystack.limits.LimitStores;
import io.gatewaystack.limits.LimitsConfig;
import io.gatewaystack.limits.LimitsLayer;
import io.gatewaystack.limits.RateLimitHeaders;
import io.gatewaystack.limits.StoreKind;
import io.gatewaystack.limits.agent.AgentGuard;
import io.gatewaystack.limits.budget.BudgetStore;
import io.gatewaystack.limits.budget.Budgets;
import io.gatewaystack.limits.budget.BudgetsConfig;
import io.gatewaystack.limits.budget.FailoverBudgetStore;
import io.gatewaystack.limits.budget.MemoryBudgetStore;
import io.gatewaystack.limits.budget.RedisBudgetStore;
import io.gatewaystack.limits.budget.SettlementSpool;
import io.gatewaystack.limits.budget.TokenCounter;
import io.gatewaystack.limits.store.LimitStore;
import io.gatewaystack.server.admin.limits.LimitsPage;
import io.gatewaystack.server.admin.limits.LimitsView;
import io.gatewaystack.server.admin.limits.ObservedBudgetStore;
import io.gatewaystack.server.admin.limits.ObservedLimitStore;
import io.gatewaystack.server.config.BudgetSettings;
import io.gatewaystack.server.config.GatewayConfig;
import io.gatewaystack.server.limits.GatewayUsageEstimator;
import io.gatewaystack.server.limits.Pricing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.InstantSource;

/**
 * The limits layer's moving parts, opened from the configuration and closed at shutdown: the rate/concurrency store,
 * the budget store (same kind: memory, or Redis with the failure policy and the settlement spool), the pricing step,
 * the layer itself, and the agent guard (its own store, of the same kind).
 *
 * @param layer       the limits layer, or null when nothing is limited
 * @param budgets     budgets and token limits, or null when none are configured
 * @param pricing     prices usage on every governed route (always present: the audit trail reports cost)
 * @param limitStore  the rate store, or null
 * @param budgetStore the budget store, or null
 * @param agentGuard  caps per agent workflow and loop detection, or null when not configured
 */
record LimitsRuntime(LimitsLayer layer, Budgets budgets, Pricing pricing, LimitStore limitStore,
                     BudgetStore budgetStore, AgentGuard agentGuard) implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LimitsRuntime.class);
    /** How long a stop waits for the settlements of drained requests before it closes the stores. */
    private static final Duration SETTLE_ON_STOP = Duration.ofSeconds(5);

    static LimitsRuntime open(GatewayConfig config) {
        AgentGuard agentGuard = config.agentGuard().enabled() ? AgentGuard.open(config.agentGuard()) : null;
        BudgetSettings settings = config.budgets();
        Pricing pricing = new Pricing(settings.prices(), settings.toolPrices());
        LimitsConfig limits = config.limits();
        BudgetsConfig budgetsConfig = settings.budgets();
        if (limits.isEmpty() && budgetsConfig.isEmpty()) {
            return new LimitsRuntime(null, null, pricing, null, null, agentGuard);
        }
        // the admin console watches what the store answers (rate usage per key, reservations in flight)
        LimitStore limitStore = new ObservedLimitStore(new LimitStores().open(limits), limits);
        BudgetStore budgetStore = null;
        Budgets budgets = null;
        if (!budgetsConfig.isEmpty()) {
            // the admin console reads the standing of recently used budgets through this wrapper
            budgetStore = new ObservedBudgetStore(openBudgetStore(limits, budgetsConfig), budgetsConfig);
            GatewayUsageEstimator estimator = new GatewayUsageEstimator(config.llm(), pricing, new TokenCounter(),
                    settings.defaultMaxOutputTokens(), settings.fallbackPrice());
            budgets = new Budgets(budgetsConfig, budgetStore, estimator, InstantSource.system());
        }
        LimitsLayer layer = new LimitsLayer(limits, limitStore, new RateLimitHeaders(true), budgets);
        return new LimitsRuntime(layer, budgets, pricing, limitStore, budgetStore, agentGuard);
    }

    /** Same kind as the rate store: in memory, or Redis behind the failure policy with a spool for settlements. */
    private static BudgetStore openBudgetStore(LimitsConfig limits, BudgetsConfig budgets) {
        MemoryBudgetStore memory = new MemoryBudgetStore(Duration.ofMinutes(1));
        if (limits.store() == StoreKind.MEMORY) {
            return memory;
        }
        RedisBudgetStore redis = new RedisBudgetStore(limits.redisUrl(), limits.redisKeyPrefix(), limits.redisTimeout());
        SettlementSpool spool = new SettlementSpool(redis::settle, budgets.spoolFile(), 1_000_000, Duration.ofSeconds(2));
        return new FailoverBudgetStore(redis, memory, budgets.failureMode(), spool);
    }

    /** What the admin console's Limits page shows. */
    LimitsView view() {
        ObservedLimitStore rates = limitStore instanceof ObservedLimitStore o && o.configured() ? o : null;
        ObservedBudgetStore budgetView = budgetStore instanceof ObservedBudgetStore b ? b : null;
        return rates == null && budgetView == null ? LimitsView.NONE : new LimitsPage(rates, budgetView);
    }

    @Override
    public void close() {
        // Accounting runs after each response: let what the drained requests still owe reach the store first.
        if (budgets != null && !budgets.awaitSettled(SETTLE_ON_STOP)) {
            log.warn("{} budget holds were not settled at stop; their reservations expire after the reservation TTL",
                    budgets.unsettled());
        }
        if (limitStore != null) {
            limitStore.close();
        }
        if (budgetStore != null) {
            budgetStore.close();
        }
        if (agentGuard != null) {
            agentGuard.close();
        }
    }
}
