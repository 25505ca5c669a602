package io.gatewaystack.limits.budget;

import io.gatewaystack.limits.store.LockOrder;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Budgets kept in this process: exact for one gateway instance.
 *
 * <p>Like the in-memory rate store there is no global lock: each counter is its own object, locked on its own
 * monitor; a request locks its counters in key order (so two requests never wait on each other in a cycle), checks
 * all, reserves on all or none. Counters whose period ended are swept.
 */
public final class MemoryBudgetStore implements BudgetStore {

    /** How long a counter outlives its period, so late settlements of long requests still land on it. */
    private static final long GRACE_MILLIS = Duration.ofHours(1).toMillis();

    private final InstantSource clock;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;

    /** A store whose owner calls {@link #sweep()} (tests). */
    public MemoryBudgetStore(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sweeper = null;
    }

    /** A store on the system clock sweeping ended periods on its own daemon thread. */
    public MemoryBudgetStore(Duration sweepInterval) {
        this.clock = InstantSource.system();
        long every = Math.max(1, sweepInterval.toMillis());
        this.sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("gatewaystack-budget-sweeper").factory());
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletionStage<BudgetOutcome> reserve(BudgetRequest request) {
        return CompletableFuture.completedFuture(reserveNow(request));
    }

    /** The synchronous form of {@link #reserve}. */
    public BudgetOutcome reserveNow(BudgetRequest request) {
        List<BudgetCheck> checks = request.checks();
        Counter[] held = new Counter[checks.size()];
        return lockFrom(0, LockOrder.byKey(checks.size(), i -> checks.get(i).key()), held, request,
                clock.millis());
    }

    private BudgetOutcome lockFrom(int step, int[] order, Counter[] held, BudgetRequest request, long now) {
        List<BudgetCheck> checks = request.checks();
        if (step == order.length) {
            return decide(checks, held, request, now);
        }
        int i = order[step];
        BudgetCheck check = checks.get(i);
        while (true) {
            Counter counter = counters.computeIfAbsent(check.key(), k -> new Counter(check.periodEnd()));
            synchronized (counter) {
                if (counter.evicted) {
                    continue;
                }
                held[i] = counter;
                return lockFrom(step + 1, order, held, request, now);
            }
        }
    }

    /** Runs with every counter of the request locked. */
    private static BudgetOutcome decide(List<BudgetCheck> checks, Counter[] held, BudgetRequest request, long now) {
        BudgetRule deniedBy = null;
        long retryAfter = 0;
        for (int i = 0; i < checks.size(); i++) {
            BudgetCheck check = checks.get(i);
            Counter counter = held[i];
            counter.expire(now);
            if (counter.spent + counter.reserved + check.amount() > check.rule().cap()) {
                retryAfter = Math.max(retryAfter, check.periodEnd() - now);
                if (deniedBy == null) {
                    deniedBy = check.rule();
                }
            }
        }
        boolean admit = deniedBy == null;
        List<BudgetState> states = new ArrayList<>(checks.size());
        for (int i = 0; i < checks.size(); i++) {
            BudgetCheck check = checks.get(i);
            Counter counter = held[i];
            if (admit) {
                counter.reserve(request.holder(), check.amount(), now + request.reservationTtl());
            }
            states.add(counter.state(check, now));
        }
        if (!admit) {
            return new BudgetOutcome(BudgetOutcome.Verdict.EXCEEDED, deniedBy, Math.max(1, retryAfter), states, null,
                    false);
        }
        return new BudgetOutcome(BudgetOutcome.Verdict.ADMITTED, null, 0, states,
                new BudgetHold(request.holder(), checks, false), false);
    }

    @Override
    public CompletionStage<Void> settle(Settlement settlement) {
        settleNow(settlement);
        return CompletableFuture.completedFuture(null);
    }

    /** The synchronous form of {@link #settle}. */
    public void settleNow(Settlement settlement) {
        for (Settlement.Charge charge : settlement.charges()) {
            while (true) {
                Counter counter = counters.computeIfAbsent(charge.key(), k -> new Counter(charge.periodEnd()));
                synchronized (counter) {
                    if (counter.evicted) {
                        continue;
                    }
                    counter.settle(settlement.holder(), charge.actual());
                    break;
                }
            }
        }
    }

    @Override
    public CompletionStage<List<BudgetState>> read(List<BudgetCheck> checks) {
        long now = clock.millis();
        List<BudgetState> states = new ArrayList<>(checks.size());
        for (BudgetCheck check : checks) {
            Counter counter = counters.get(check.key());
            if (counter == null) {
                states.add(BudgetState.of(check.rule(), 0, 0, check.periodEnd() - now));
                continue;
            }
            synchronized (counter) {
                counter.expire(now);
                states.add(counter.state(check, now));
            }
        }
        return CompletableFuture.completedFuture(states);
    }

    /** Drops counters whose period ended more than an hour ago; returns how many. */
    public int sweep() {
        long now = clock.millis();
        int removed = 0;
        for (Map.Entry<String, Counter> entry : counters.entrySet()) {
            Counter counter = entry.getValue();
            synchronized (counter) {
                counter.expire(now);
                if (!counter.evicted && counter.periodEnd + GRACE_MILLIS <= now) {
                    counter.evicted = true;
                    counters.remove(entry.getKey(), counter);
                    removed++;
                }
            }
        }
        return removed;
    }

    /** How many counters are held; for tests and metrics. */
    public int size() {
        return counters.size();
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        counters.clear();
    }

    /** One budget counter in one period. Guarded by its own monitor. */
    private static final class Counter {
        final long periodEnd;
        long spent;
        long reserved;
        /** holder → {amount, expiry ms} of reservations not settled yet. */
        final Map<String, long[]> open = new HashMap<>(4);
        /** Holders whose reservation expired before they settled: their late settlement is still charged, once. */
        final Set<String> expired = new HashSet<>(2);
        boolean evicted;

        Counter(long periodEnd) {
            this.periodEnd = periodEnd;
        }

        void expire(long now) {
            if (open.isEmpty()) {
                return;
            }
            Iterator<Map.Entry<String, long[]>> it = open.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, long[]> e = it.next();
                if (e.getValue()[1] <= now) {
                    reserved -= e.getValue()[0];
                    expired.add(e.getKey());
                    it.remove();
                }
            }
        }

        void reserve(String holder, long amount, long expiry) {
            long[] previous = open.put(holder, new long[]{amount, expiry});
            if (previous != null) {
                reserved -= previous[0]; // the same holder reserving again replaces its reservation
            }
            reserved += amount;
        }

        void settle(String holder, long used) {
            long[] reservation = open.remove(holder);
            if (reservation != null) {
                reserved -= reservation[0];
            } else if (!expired.remove(holder)) {
                return; // settled before: settling is idempotent
            }
            spent += used;
        }

        BudgetState state(BudgetCheck check, long now) {
            return BudgetState.of(check.rule(), spent, reserved, periodEnd - now);
        }
    }
}
