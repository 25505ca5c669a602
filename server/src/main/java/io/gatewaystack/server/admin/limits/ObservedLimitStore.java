package io.gatewaystack.server.admin.limits;

import io.gatewaystack.limits.LimitsConfig;
import io.gatewaystack.limits.RateLimitRule;
import io.gatewaystack.limits.store.FailoverLimitStore;
import io.gatewaystack.limits.store.LimitOutcome;
import io.gatewaystack.limits.store.LimitRequest;
import io.gatewaystack.limits.store.LimitStore;
import io.gatewaystack.limits.store.RateCheck;
import io.gatewaystack.limits.store.RateState;
import io.gatewaystack.limits.store.Reservation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * A limit store that remembers what passed through it, for the console: where each recently used rate key stands
 * (as the store last answered), the reservations this instance holds in flight, and whether the store answers.
 * It only watches; every decision is the wrapped store's. The view is this instance's (with Redis, other
 * instances charge the same counters; the remaining counts shown are the store's, so they include them).
 * Memory is bounded: at most {@value #MAX_KEYS} keys, the least recently used go first.
 */
public final class ObservedLimitStore implements LimitStore {

    static final int MAX_KEYS = 2_000;

    private final LimitStore store;
    private final LimitsConfig config;
    private final Map<String, KeyState> keys = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong reservations = new AtomicLong();
    private final AtomicLong unavailable = new AtomicLong();
    private final AtomicLong degraded = new AtomicLong();
    private volatile long lastAnswerMillis;
    private volatile long lastFailureMillis;
    private volatile String lastVerdict;

    /** Where one rate key stood after its last request. */
    private record KeyState(String rule, String key, int max, long remaining, long resetAtMillis, long lastSeenMillis,
                            long admitted, long denied) {
    }

    public ObservedLimitStore(LimitStore store, LimitsConfig config) {
        this.store = store;
        this.config = config;
    }

    @Override
    public CompletionStage<LimitOutcome> reserve(LimitRequest request) {
        return store.reserve(request).whenComplete((outcome, failure) -> {
            try {
                observe(request, outcome, failure);
            } catch (RuntimeException bug) {
                // watching must never change a decision: a failure here would fail the stage the layer waits on
                LoggerFactory.getLogger(ObservedLimitStore.class).warn("limits view could not record an outcome", bug);
            }
        });
    }

    private void observe(LimitRequest request, LimitOutcome outcome, Throwable failure) {
        long now = System.currentTimeMillis();
        if (failure != null || outcome == null || outcome.verdict() == LimitOutcome.Verdict.STORE_UNAVAILABLE) {
            unavailable.incrementAndGet();
            lastFailureMillis = now;
            lastVerdict = "unavailable";
            return;
        }
        lastAnswerMillis = now;
        lastVerdict = outcome.verdict().name().toLowerCase(java.util.Locale.ROOT);
        if (outcome.degraded()) {
            degraded.incrementAndGet();
            lastFailureMillis = now;
        }
        for (RateState state : outcome.rates()) {
            String key = keyOf(request, state.rule());
            if (key == null) {
                continue;
            }
            boolean denied = !outcome.admitted() && state.rule().name().equals(outcome.deniedBy());
            keys.compute(key, (k, old) -> new KeyState(state.rule().name(), k, state.rule().max(), state.remaining(),
                    now + state.resetMillis(), now, (old == null ? 0 : old.admitted()) + (outcome.admitted() ? 1 : 0),
                    (old == null ? 0 : old.denied()) + (denied ? 1 : 0)));
        }
        if (keys.size() > MAX_KEYS) {
            evictOldest();
        }
        Reservation r = outcome.reservation();
        if (outcome.admitted() && r != null && !r.isEmpty()) {
            reservations.incrementAndGet();
            inFlight.computeIfAbsent(r.concurrencyKey(), k -> new AtomicInteger()).incrementAndGet();
        }
    }

    private static String keyOf(LimitRequest request, RateLimitRule rule) {
        for (RateCheck check : request.rates()) {
            if (check.rule().name().equals(rule.name())) {
                return check.key();
            }
        }
        return null;
    }

    private void evictOldest() {
        List<KeyState> all = new ArrayList<>(keys.values());
        all.sort(Comparator.comparingLong(KeyState::lastSeenMillis));
        for (int i = 0; i < all.size() - MAX_KEYS * 9 / 10; i++) {
            keys.remove(all.get(i).key());
        }
    }

    @Override
    public CompletionStage<Void> release(Reservation reservation) {
        if (reservation != null && !reservation.isEmpty()) {
            reservations.decrementAndGet();
            AtomicInteger n = inFlight.get(reservation.concurrencyKey());
            if (n != null && n.decrementAndGet() <= 0) {
                inFlight.remove(reservation.concurrencyKey(), n);
            }
        }
        return store.release(reservation);
    }

    @Override
    public void close() {
        store.close();
    }

    // ---- view -----------------------------------------------------------------------------------

    /** Whether any rate or concurrency limit is configured (the store also exists for budgets alone). */
    public boolean configured() {
        return !config.isEmpty();
    }

    /** The rules, rate usage per key and reservations in flight. */
    public List<LimitsView.Section> sections(String tenant) {
        List<LimitsView.Section> out = new ArrayList<>();
        List<List<Object>> rules = new ArrayList<>();
        for (RateLimitRule r : config.rules()) {
            rules.add(List.of(r.name(), String.join("+", r.keyParts().stream().map(k -> k.name().toLowerCase(java.util.Locale.ROOT)).toList()), r.max(),
                    r.windowMillis() / 1000.0));
        }
        if (config.maxConcurrentPerUser() > 0) {
            rules.add(List.of("concurrency", "user", config.maxConcurrentPerUser(), "in flight"));
        }
        out.add(new LimitsView.Section("rules", "Configured limits", List.of("rule", "key", "max", "window_s"), rules,
                "Store: " + config.store().name().toLowerCase(java.util.Locale.ROOT) + ", on failure "
                        + config.failureMode().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + "."));
        if (tenant != null) {
            out.add(new LimitsView.Section("rates", "Rate usage per key", List.of(), List.of(),
                    "Limit keys are not tagged with a tenant: per-key usage is shown to global admins only."));
            return out;
        }
        long now = System.currentTimeMillis();
        List<KeyState> recent = new ArrayList<>(keys.values());
        recent.sort(Comparator.comparingLong(KeyState::lastSeenMillis).reversed());
        List<List<Object>> rates = new ArrayList<>();
        for (KeyState k : recent) {
            boolean windowOver = k.resetAtMillis() <= now;
            long used = windowOver ? 0 : k.max() - k.remaining();
            rates.add(java.util.Arrays.asList(k.rule(), k.key(), used, k.max(), windowOver ? k.max() : k.remaining(),
                    windowOver ? null : Instant.ofEpochMilli(k.resetAtMillis()).toString(), k.admitted(), k.denied(),
                    Instant.ofEpochMilli(k.lastSeenMillis()).toString()));
        }
        out.add(new LimitsView.Section("rates", "Rate usage per key", List.of("rule", "key", "used", "max", "remaining",
                "next_slot_at", "admitted", "denied", "last_seen"), rates,
                "As the store answered this instance's last request of each key (most recent first, up to "
                        + MAX_KEYS + " keys)."));
        List<List<Object>> flights = new ArrayList<>();
        inFlight.forEach((key, n) -> flights.add(List.of(key, n.get(), config.maxConcurrentPerUser())));
        out.add(new LimitsView.Section("in_flight", "Reservations in flight", List.of("key", "in_flight", "max"), flights,
                reservations.get() + " concurrency reservations held by this instance."));
        return out;
    }

    public LimitsView.StoreHealth storeHealth() {
        String kind = config.store().name().toLowerCase(java.util.Locale.ROOT);
        long failures = store instanceof FailoverLimitStore f ? f.failures() : unavailable.get();
        long lastFail = lastFailureMillis;
        long lastOk = lastAnswerMillis;
        if (lastFail == 0 && lastOk == 0) {
            return new LimitsView.StoreHealth(kind, "ok", "no limited request yet");
        }
        if (lastFail > lastOk || degraded.get() > 0 && lastFail == lastOk) {
            return new LimitsView.StoreHealth(kind, "down", "last call failed at " + Instant.ofEpochMilli(lastFail) + " ("
                    + failures + " failures, " + degraded.get() + " answered by the local fallback)");
        }
        boolean recentFailure = lastFail > 0 && System.currentTimeMillis() - lastFail < 60_000;
        return new LimitsView.StoreHealth(kind, recentFailure ? "degraded" : "ok", "last answer " + Instant.ofEpochMilli(lastOk)
                + " (" + lastVerdict + ")" + (failures > 0 ? ", " + failures + " failures since start" : ""));
    }
}
