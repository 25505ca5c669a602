package io.gatewaystack.limits.budget;

import io.gatewaystack.limits.KeyPart;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link BudgetStore} must do; run against the in-memory store and a real Redis. */
abstract class BudgetStoreContract {

    static final BudgetRule USER = new BudgetRule("user-day", List.of(KeyPart.USER), Meter.COST, 1_000,
            BudgetPeriod.DAY);
    static final BudgetRule ORG = new BudgetRule("org-day", List.of(KeyPart.ORG), Meter.COST, 1_500,
            BudgetPeriod.DAY);
    static final long END = System.currentTimeMillis() + 3_600_000;

    abstract BudgetStore store();

    /** Lets reservations made with {@code ttlMillis} expire. */
    abstract void passTime(long ttlMillis) throws Exception;

    static BudgetCheck check(BudgetRule rule, String key, long amount) {
        return new BudgetCheck(rule, key, amount, END);
    }

    BudgetOutcome reserve(String holder, long ttl, BudgetCheck... checks) throws Exception {
        return store().reserve(new BudgetRequest(holder, List.of(checks), ttl)).toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
    }

    void settle(BudgetHold hold, long actual) throws Exception {
        store().settle(Settlement.of(hold, new Amounts(0, 0, actual))).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    BudgetState read(BudgetCheck check) throws Exception {
        return store().read(List.of(check)).toCompletableFuture().get(20, TimeUnit.SECONDS).get(0);
    }

    @Test
    void reservesEverywhereOrNowhere() throws Exception {
        BudgetOutcome first = reserve("r1", 60_000, check(USER, "u=a", 900), check(ORG, "o=x", 900));
        assertThat(first.admitted()).isTrue();
        assertThat(first.states()).extracting(BudgetState::remaining).containsExactly(100L, 600L);

        // The user's own budget has room for 50, the org's has not room for 700: nothing is charged anywhere.
        BudgetOutcome denied = reserve("r2", 60_000, check(USER, "u=b", 700), check(ORG, "o=x", 700));
        assertThat(denied.verdict()).isEqualTo(BudgetOutcome.Verdict.EXCEEDED);
        assertThat(denied.deniedBy()).isEqualTo(ORG);
        assertThat(denied.retryAfterMillis()).isPositive();
        assertThat(denied.hold()).isNull();
        assertThat(read(check(USER, "u=b", 0)).reserved()).isZero();
        assertThat(read(check(ORG, "o=x", 0)).reserved()).isEqualTo(900);
    }

    @Test
    void settlementReplacesTheReservationWithTheActualAmountOnce() throws Exception {
        BudgetOutcome admitted = reserve("r1", 60_000, check(USER, "u=a", 800));
        settle(admitted.hold(), 120);
        settle(admitted.hold(), 120); // a retried settlement charges nothing more
        BudgetState state = read(check(USER, "u=a", 0));
        assertThat(state.spent()).isEqualTo(120);
        assertThat(state.reserved()).isZero();
        assertThat(state.remaining()).isEqualTo(880);
        // The room given back is usable at once.
        assertThat(reserve("r2", 60_000, check(USER, "u=a", 880)).admitted()).isTrue();
        assertThat(reserve("r3", 60_000, check(USER, "u=a", 1)).admitted()).isFalse();
    }

    @Test
    void anUnsettledReservationExpiresButItsLateSettlementIsStillChargedOnce() throws Exception {
        BudgetOutcome dying = reserve("dead", 300, check(USER, "u=a", 900));
        assertThat(dying.admitted()).isTrue();
        assertThat(reserve("r2", 60_000, check(USER, "u=a", 200)).admitted()).isFalse();
        passTime(300);
        BudgetOutcome after = reserve("r3", 60_000, check(USER, "u=a", 200));
        assertThat(after.admitted()).as("the dead request's reservation was given back").isTrue();
        settle(dying.hold(), 50);
        settle(dying.hold(), 50);
        BudgetState state = read(check(USER, "u=a", 0));
        assertThat(state.spent()).isEqualTo(50);
        assertThat(state.reserved()).isEqualTo(200);
    }

    @Test
    void aShortReservationAfterLongerOnesStillExpiresOnTime() throws Exception {
        // Long-lived reservations first, then one that dies sooner than all of them: its expiry must be found
        // on time, and a second short one after the first was given back too.
        assertThat(reserve("long-1", 60_000, check(USER, "u=a", 100)).admitted()).isTrue();
        assertThat(reserve("long-2", 60_000, check(USER, "u=a", 100)).admitted()).isTrue();
        BudgetOutcome first = reserve("short-1", 300, check(USER, "u=a", 500));
        assertThat(first.admitted()).isTrue();
        passTime(300);
        assertThat(read(check(USER, "u=a", 0)).reserved()).isEqualTo(200);
        BudgetOutcome second = reserve("short-2", 300, check(USER, "u=a", 700));
        assertThat(second.admitted()).isTrue();
        passTime(300);
        assertThat(reserve("r", 60_000, check(USER, "u=a", 800)).admitted())
                .as("both short reservations were given back, the long ones still count").isTrue();
        assertThat(read(check(USER, "u=a", 0)).reserved()).isEqualTo(1000);
        settle(first.hold(), 40); // late settlements of expired reservations still charge once
        settle(second.hold(), 2);
        settle(second.hold(), 2);
        assertThat(read(check(USER, "u=a", 0)).spent()).isEqualTo(42);
    }

    @Test
    void theSameHolderReservingAgainReplacesItsReservation() throws Exception {
        // The check still counts the reservation being replaced (400 + 300 fit under the user's 1,000).
        assertThat(reserve("r1", 60_000, check(USER, "u=a", 400), check(ORG, "o=x", 400)).admitted()).isTrue();
        BudgetOutcome again = reserve("r1", 60_000, check(USER, "u=a", 300), check(ORG, "o=x", 300));
        assertThat(again.admitted()).isTrue();
        assertThat(again.states()).extracting(BudgetState::reserved).containsExactly(300L, 300L);
        settle(again.hold(), 10);
        assertThat(read(check(USER, "u=a", 0)).reserved()).isZero();
        assertThat(read(check(ORG, "o=x", 0)).spent()).isEqualTo(10);
    }

    @Test
    void concurrentReservationsNeverExceedTheCap() throws Exception {
        int threads = 8;
        int perThread = 40;
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        // Each request charges the user and the shared org at once.
                        if (reserve("t" + thread + "-" + i, 60_000, check(USER, "u=" + thread % 2, 7),
                                check(ORG, "o=shared", 7)).admitted()) {
                            admitted.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (var f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // 2 users x 1000 would admit 284; the org's 1500 admits exactly 214 (7 * 214 = 1498).
        assertThat(admitted.get()).isEqualTo(214);
        assertThat(read(check(ORG, "o=shared", 0)).reserved()).isEqualTo(1498);
    }
}
