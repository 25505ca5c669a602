package io.gatewaystack.limits.budget;

import io.gatewaystack.limits.FailureMode;
import io.gatewaystack.limits.store.FailureLog;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The failure policy around the shared budget store.
 *
 * <p>Pre-flight: when Redis fails or is slow, either reserve in a local in-memory store instead
 * ({@link FailureMode#FAIL_OPEN}; the outcome is marked degraded, and while Redis is away each replica counts from
 * zero on its own, so a budget can be overspent by what the replicas admit meanwhile) or answer
 * {@link BudgetOutcome.Verdict#STORE_UNAVAILABLE} ({@link FailureMode#FAIL_CLOSED}, 503).
 *
 * <p>Accounting: a settlement that fails goes to the {@link SettlementSpool} and is replayed until it lands; the
 * response never waits for it. Holds issued by the fallback settle on the fallback.
 */
public final class FailoverBudgetStore implements BudgetStore {

    private final BudgetStore primary;
    private final MemoryBudgetStore fallback;
    private final FailureMode mode;
    private final SettlementSpool spool;
    private final FailureLog failureLog;

    public FailoverBudgetStore(BudgetStore primary, MemoryBudgetStore fallback, FailureMode mode,
                               SettlementSpool spool) {
        this.primary = Objects.requireNonNull(primary, "primary");
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.failureLog = new FailureLog("budget store", mode);
        this.spool = Objects.requireNonNull(spool, "spool");
    }

    @Override
    public CompletionStage<BudgetOutcome> reserve(BudgetRequest request) {
        return failureLog.call("reserve", () -> primary.reserve(request),
                failure -> mode == FailureMode.FAIL_OPEN
                        ? fallback.reserveNow(request).asDegraded()
                        : BudgetOutcome.unavailable());
    }

    /** Settles a hold on the store that issued it; a failed shared settlement is spooled. */
    @Override
    public CompletionStage<Void> settle(BudgetHold hold, Amounts used) {
        Settlement settlement = Settlement.of(hold, used);
        if (hold.degraded()) {
            fallback.settleNow(settlement);
            return CompletableFuture.completedFuture(null);
        }
        return settle(settlement);
    }

    @Override
    public CompletionStage<Void> settle(Settlement settlement) {
        return failureLog.call("settle", () -> primary.settle(settlement), failure -> {
            spool.add(settlement);
            return null;
        });
    }

    @Override
    public CompletionStage<List<BudgetState>> read(List<BudgetCheck> checks) {
        return primary.read(checks);
    }

    /** Shared-store calls that failed since start. */
    public long failures() {
        return failureLog.count();
    }

    public SettlementSpool spool() {
        return spool;
    }


    @Override
    public void close() {
        spool.close();
        primary.close();
        fallback.close();
    }
}
