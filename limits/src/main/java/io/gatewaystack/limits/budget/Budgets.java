package io.gatewaystack.limits.budget;

import io.gatewaystack.core.Identity;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.limits.KeyPart;
import io.gatewaystack.limits.LimitKeys;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Money budgets and token limits for the limits layer: turns a request into the counters it must reserve on
 * (pre-flight), settles them when it completes (accounting), and reads a user's standing for usage reads.
 *
 * <p>A counter is one rule, one combination of key-part values and one period: {@code <rule>|u=alice|p=<start ms>}.
 * A request reserves its worst case ({@link UsageEstimator#worstCase}) on every rule that applies, all or none; on
 * completion the reservation is replaced by what the request really used.
 */
public final class Budgets {

    /** The response header naming each applicable budget's headroom, e.g. {@code user-daily=4.120000}. */
    public static final String REMAINING_HEADER = "X-GatewayStack-Budget-Remaining";

    private final BudgetsConfig config;
    private final BudgetStore store;
    private final UsageEstimator estimator;
    private final LimitKeys keys = new LimitKeys();
    private final InstantSource clock;
    /** Holds reserved and not yet settled: a graceful stop waits for them (see {@link #awaitSettled}). */
    private final AtomicInteger unsettled = new AtomicInteger();

    public Budgets(BudgetsConfig config, BudgetStore store, UsageEstimator estimator, InstantSource clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.store = Objects.requireNonNull(store, "store");
        this.estimator = Objects.requireNonNull(estimator, "estimator");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What one request will reserve: the store request and the worst case it was computed from. */
    public record Plan(BudgetRequest request, Amounts worstCase) {
    }

    /** The plan for this request, or null when nothing applies (nothing to meter, or no rule has its key parts). */
    public Plan plan(RequestContext context) {
        Amounts worst = estimator.worstCase(context);
        if (worst == null) {
            return null;
        }
        long now = clock.millis();
        List<BudgetCheck> checks = new ArrayList<>(config.rules().size());
        for (BudgetRule rule : config.rules()) {
            String key = keys.key(rule.name(), rule.keyParts(), context);
            if (key != null) {
                checks.add(check(rule, key, worst.of(rule.meter()), now));
            }
        }
        if (checks.isEmpty()) {
            return null;
        }
        return new Plan(new BudgetRequest(context.requestId(), checks, config.reservationTtl().toMillis()), worst);
    }

    private static BudgetCheck check(BudgetRule rule, String key, long amount, long now) {
        return new BudgetCheck(rule, key + "|p=" + rule.period().start(now), amount, rule.period().end(now));
    }

    public CompletionStage<BudgetOutcome> reserve(Plan plan) {
        CompletionStage<BudgetOutcome> reserved;
        try {
            reserved = store.reserve(plan.request());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (reserved instanceof CompletableFuture<BudgetOutcome> done && done.isDone()
                && !done.isCompletedExceptionally()) {
            countHold(done.join());
            return reserved;
        }
        return reserved.thenApply(this::countHold);
    }

    private BudgetOutcome countHold(BudgetOutcome outcome) {
        if (outcome.hold() != null) {
            unsettled.incrementAndGet();
        }
        return outcome;
    }

    /** Accounting: settles the hold with what the request used. Never throws; a failure is the store's to spool. */
    public CompletionStage<Void> settle(RequestContext context, BudgetHold hold, Amounts worstCase) {
        return settle(hold, estimator.actual(context, worstCase));
    }

    /** Gives the whole reservation back (the request was refused by a later check before it ran). */
    public CompletionStage<Void> cancel(BudgetHold hold) {
        return settle(hold, Amounts.ZERO);
    }

    private CompletionStage<Void> settle(BudgetHold hold, Amounts used) {
        try {
            return store.settle(hold, used).handle((ok, failure) -> {
                unsettled.decrementAndGet();
                return null;
            });
        } catch (RuntimeException e) {
            unsettled.decrementAndGet();
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Holds reserved and not yet settled (or whose settlement the store has not acknowledged). */
    public int unsettled() {
        return unsettled.get();
    }

    /**
     * For a graceful stop, after the HTTP drain: waits up to {@code limit} for every open hold to be settled, so the
     * store is not closed under a settlement still on its way (a request's accounting runs after its response).
     *
     * @return true when nothing is left unsettled
     */
    public boolean awaitSettled(java.time.Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (unsettled.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return unsettled.get() <= 0;
    }

    /**
     * Where {@code identity} stands on every rule keyed only on who the caller is (user, org, tenant, client): the
     * numbers of {@code GET /v1/usage/me}. Rules keyed on a model, tool or route are left out (there is no single
     * number for them without naming the resource).
     */
    public CompletionStage<List<BudgetState>> standing(Identity identity) {
        RequestContext probe = RequestContext.builder().requestId("usage-read").method("GET").path("/v1/usage/me")
                .build();
        probe.identity(identity);
        long now = clock.millis();
        List<BudgetCheck> checks = new ArrayList<>();
        for (BudgetRule rule : config.rules()) {
            if (rule.keyParts().stream().allMatch(Budgets::identityPart)) {
                String key = keys.key(rule.name(), rule.keyParts(), probe);
                if (key != null) {
                    checks.add(check(rule, key, 0, now));
                }
            }
        }
        return checks.isEmpty() ? CompletableFuture.completedFuture(List.of()) : store.read(checks);
    }

    private static boolean identityPart(KeyPart part) {
        return part == KeyPart.USER || part == KeyPart.ORG || part == KeyPart.TENANT || part == KeyPart.CLIENT;
    }

    /** The {@link #REMAINING_HEADER} value: {@code name=remaining} per rule, money in currency units. */
    public static String remainingHeader(List<BudgetState> states) {
        StringBuilder out = new StringBuilder(32 * states.size());
        for (BudgetState state : states) {
            if (!out.isEmpty()) {
                out.append(", ");
            }
            out.append(state.rule().name()).append('=');
            if (state.rule().meter().isMoney()) {
                out.append(String.format(Locale.ROOT, "%.6f", state.remaining() / 1_000_000.0));
            } else {
                out.append(state.remaining());
            }
        }
        return out.toString();
    }

    public BudgetsConfig config() {
        return config;
    }
}
