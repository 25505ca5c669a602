package io.gatewaystack.limits.store;

import io.gatewaystack.limits.RateLimitRule;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Limits kept in this process: exact for one gateway instance (each replica counts on its own).
 *
 * <p>No global lock. Each counter is its own object, locked on its own monitor: rate logs live in a {@link LogTable}
 * (lock-free lookups, 64 independently locked stripes for inserts), concurrency counters in a
 * {@link ConcurrentHashMap}. A
 * request that touches several counters locks them all (in key order, so two requests can never wait on each other
 * in a cycle), checks all, and charges all only if every one passes, then unlocks. Requests of different keys never
 * contend.
 *
 * <p>Memory stays bounded by the active keys: {@link #sweep()} removes rate logs whose admissions have all left
 * their window, and a concurrency counter leaves the map as soon as it drops to zero. Either the store
 * runs {@code sweep()} on its own daemon thread or its owner calls it; the time comes from an injectable
 * {@link InstantSource} so tests can move it.
 */
public final class MemoryLimitStore implements LimitStore {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final InstantSource clock;
    private final LogTable logs = new LogTable();
    private final ConcurrentHashMap<String, InFlight> inFlight = new ConcurrentHashMap<>();

    private final ScheduledExecutorService sweeper;

    /** A store whose owner calls {@link #sweep()} itself (tests, benchmarks). */
    public MemoryLimitStore(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sweeper = null;
    }

    /** A store on the system clock that sweeps idle counters every {@code sweepInterval} on its own daemon thread. */
    public MemoryLimitStore(Duration sweepInterval) {
        this.clock = InstantSource.system();
        long every = Math.max(1, sweepInterval.toMillis());
        this.sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("gatewaystack-limits-sweeper").factory());
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletionStage<LimitOutcome> reserve(LimitRequest request) {
        return CompletableFuture.completedFuture(reserveNow(request));
    }

    /** The synchronous form of {@link #reserve}: this store never waits for I/O. */
    public LimitOutcome reserveNow(LimitRequest request) {
        List<RateCheck> rates = request.rates();
        long now = clock.millis();
        if (rates.size() == 1 && request.concurrency() == null) {
            return reserveOne(rates.getFirst(), now);
        }
        RateCheck[] checks = rates.toArray(new RateCheck[0]);
        int[] order = LockOrder.byKey(checks.length, i -> checks[i].key());
        return lockFrom(0, checks, order, new SlidingLog[checks.length], request, now);
    }

    /**
     * The common case, one rule and no concurrency cap: the same decision as {@link #decide} with one lock and no
     * per-check arrays.
     */
    private LimitOutcome reserveOne(RateCheck check, long now) {
        RateLimitRule rule = check.rule();
        long window = rule.windowMillis();
        int max = rule.max();
        while (true) {
            SlidingLog log = logOf(check);
            synchronized (log) {
                if (log.evicted) {
                    continue; // the sweeper removed it between lookup and lock: take the fresh one
                }
                if (log.expire(now, window) >= max) {
                    long wait = log.oldest() + window - now;
                    return new LimitOutcome(LimitOutcome.Verdict.RATE_LIMITED, rule.name(), Math.max(wait, 1),
                            List.of(state(rule, log, now)), null, false);
                }
                log.add(now, max);
                return new LimitOutcome(LimitOutcome.Verdict.ADMITTED, null, 0, List.of(state(rule, log, now)),
                        Reservation.NONE, false);
            }
        }
    }

    /** The log of a check's key, created on first use; a hit takes no lock and allocates nothing. */
    private SlidingLog logOf(RateCheck check) {
        RateLimitRule rule = check.rule();
        return logs.getOrCreate(check.key(), LogTable.hash(check.key()), rule.max(), rule.windowMillis());
    }

    /** Where a rule stands after the decision, for the response headers. */
    private static RateState state(RateLimitRule rule, SlidingLog log, long now) {
        long remaining = Math.max(0, rule.max() - log.size());
        long reset = log.size() == 0 ? 0 : Math.max(0, log.oldest() + rule.windowMillis() - now);
        return new RateState(rule, remaining, reset);
    }

    /** Locks the rate logs one by one in key order, then the concurrency counter, then decides. */
    private LimitOutcome lockFrom(int step, RateCheck[] checks, int[] order, SlidingLog[] held, LimitRequest request,
                                  long now) {
        if (step == checks.length) {
            return request.concurrency() == null
                    ? decide(checks, held, null, request, now)
                    : lockInFlight(checks, held, request, now);
        }
        int i = order[step];
        RateCheck check = checks[i];
        while (true) {
            SlidingLog log = logOf(check);
            synchronized (log) {
                if (log.evicted) {
                    continue; // the sweeper removed it between lookup and lock: take the fresh one
                }
                held[i] = log;
                return lockFrom(step + 1, checks, order, held, request, now);
            }
        }
    }

    private LimitOutcome lockInFlight(RateCheck[] checks, SlidingLog[] held, LimitRequest request, long now) {
        String key = request.concurrency().key();
        while (true) {
            InFlight counter = inFlight.computeIfAbsent(key, k -> new InFlight());
            synchronized (counter) {
                if (counter.evicted) {
                    continue;
                }
                LimitOutcome outcome = decide(checks, held, counter, request, now);
                if (!outcome.admitted() && counter.count == 0) {
                    evict(key, counter);
                }
                return outcome;
            }
        }
    }

    /** Runs with every involved counter locked: check all, then charge all or nothing. */
    private LimitOutcome decide(RateCheck[] checks, SlidingLog[] held, InFlight counter, LimitRequest request, long now) {
        String deniedBy = null;
        LimitOutcome.Verdict verdict = LimitOutcome.Verdict.ADMITTED;
        long retryAfter = 0;
        for (int i = 0; i < checks.length; i++) {
            SlidingLog log = held[i];
            var rule = checks[i].rule();
            if (log.expire(now, rule.windowMillis()) >= rule.max()) {
                retryAfter = Math.max(retryAfter, log.oldest() + rule.windowMillis() - now);
                if (deniedBy == null) {
                    deniedBy = rule.name();
                    verdict = LimitOutcome.Verdict.RATE_LIMITED;
                }
            }
        }
        ConcurrencyCheck concurrency = request.concurrency();
        if (counter != null && counter.count >= concurrency.max()) {
            retryAfter = Math.max(retryAfter, 1000); // a slot frees when some request ends; no better estimate
            if (deniedBy == null) {
                deniedBy = LimitOutcome.CONCURRENCY;
                verdict = LimitOutcome.Verdict.CONCURRENCY_LIMITED;
            }
        }
        boolean admit = deniedBy == null;
        RateState[] states = new RateState[checks.length];
        for (int i = 0; i < checks.length; i++) {
            SlidingLog log = held[i];
            var rule = checks[i].rule();
            if (admit) {
                log.add(now, rule.max());
            }
            states[i] = state(rule, log, now);
        }
        if (!admit) {
            return new LimitOutcome(verdict, deniedBy, Math.max(retryAfter, 1), List.of(states), null, false);
        }
        Reservation reservation;
        if (counter != null) {
            counter.count++;
            reservation = new Reservation(concurrency.key(), request.holder(), false);
        } else {
            reservation = Reservation.NONE;
        }
        return new LimitOutcome(verdict, null, 0, List.of(states), reservation, false);
    }

    @Override
    public CompletionStage<Void> release(Reservation reservation) {
        releaseNow(reservation);
        return DONE;
    }

    /** The synchronous form of {@link #release}. */
    public void releaseNow(Reservation reservation) {
        if (reservation == null || reservation.isEmpty()) {
            return;
        }
        InFlight counter = inFlight.get(reservation.concurrencyKey());
        if (counter == null) {
            return;
        }
        synchronized (counter) {
            if (counter.evicted || counter.count == 0) {
                return;
            }
            if (--counter.count == 0) {
                evict(reservation.concurrencyKey(), counter);
            }
        }
    }

    private void evict(String key, InFlight counter) {
        counter.evicted = true;
        inFlight.remove(key, counter);
    }

    /**
     * Removes every rate log whose admissions have all left their window. Runs concurrently with checks; each log
     * is locked only while it is examined. Returns how many logs were removed.
     */
    public int sweep() {
        long now = clock.millis();
        int[] removed = {0};
        logs.forEach(log -> {
            synchronized (log) {
                if (!log.evicted && log.expire(now, log.windowMillis) == 0) {
                    log.evicted = true;
                    logs.remove(log);
                    removed[0]++;
                }
            }
        });
        return removed[0];
    }

    /** How many counters are held (rate logs plus non-zero concurrency counters); for tests and metrics. */
    public int size() {
        return logs.size() + inFlight.size();
    }

    /** Current in-flight count of a concurrency key; for tests and metrics. */
    public int inFlight(String key) {
        InFlight counter = inFlight.get(key);
        if (counter == null) {
            return 0;
        }
        synchronized (counter) {
            return counter.count;
        }
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        logs.clear();
        inFlight.clear();
    }
}
