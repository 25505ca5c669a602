package io.gatewaystack.limits.store;

import io.gatewaystack.limits.RateLimitRule;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryLimitStoreTest {

    private static final RateLimitRule THREE_PER_SECOND = RateLimitRule.perUser("three", 3, Duration.ofSeconds(1));

    private final TestClock clock = new TestClock(1_000_000);
    private final MemoryLimitStore store = new MemoryLimitStore(clock);

    private static LimitRequest request(String holder, RateCheck... checks) {
        return new LimitRequest(holder, List.of(checks), null);
    }

    private static RateCheck check(RateLimitRule rule, String user) {
        return new RateCheck(rule, rule.name() + "|u=" + user);
    }

    @Test
    void admitsMaxPerWindowAndAgainExactlyWhenTheOldestLeaves() {
        RateCheck alice = check(THREE_PER_SECOND, "alice");
        assertThat(store.reserveNow(request("r1", alice)).rates().getFirst().remaining()).isEqualTo(2);
        clock.advance(100);
        assertThat(store.reserveNow(request("r2", alice)).admitted()).isTrue();
        clock.advance(100);
        LimitOutcome third = store.reserveNow(request("r3", alice));
        assertThat(third.admitted()).isTrue();
        assertThat(third.rates().getFirst().remaining()).isZero();
        assertThat(third.rates().getFirst().resetMillis()).isEqualTo(800); // the first admission leaves at +1000

        clock.advance(799); // t = 999: the first admission (t = 0) still counts
        LimitOutcome denied = store.reserveNow(request("r4", alice));
        assertThat(denied.verdict()).isEqualTo(LimitOutcome.Verdict.RATE_LIMITED);
        assertThat(denied.deniedBy()).isEqualTo("three");
        assertThat(denied.retryAfterMillis()).isEqualTo(1);
        assertThat(denied.reservation()).isNull();

        clock.advance(1); // t = 1000: window (0, 1000] no longer holds t = 0
        assertThat(store.reserveNow(request("r5", alice)).admitted()).isTrue();
        assertThat(store.reserveNow(request("r6", alice)).admitted()).isFalse(); // t = 100 and 200 still count

        clock.advance(100); // t = 1100: the t = 100 admission left
        assertThat(store.reserveNow(request("r7", alice)).admitted()).isTrue();
    }

    @Test
    void deniedRequestsAreNotLoggedSoRetriesDoNotExtendTheWait() {
        RateCheck alice = check(THREE_PER_SECOND, "alice");
        for (int i = 0; i < 3; i++) {
            store.reserveNow(request("r" + i, alice));
        }
        for (int i = 0; i < 50; i++) {
            clock.advance(10);
            assertThat(store.reserveNow(request("d" + i, alice)).admitted()).isFalse();
        }
        clock.set(1_000_000 + 1000);
        assertThat(store.reserveNow(request("later", alice)).admitted()).isTrue();
    }

    @Test
    void oneRuleAloneDecidesExactlyAsWhenLockedWithOtherCounters() {
        // A request with one rule and no concurrency cap takes a shorter path; a second store sees the same rule
        // together with a rule that never denies, through the general path. Both must answer the same.
        RateLimitRule generous = RateLimitRule.perUser("generous", 1_000_000, Duration.ofSeconds(1));
        MemoryLimitStore general = new MemoryLimitStore(clock);
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 2_000; i++) {
            clock.advance(random.nextInt(120));
            String user = "u" + random.nextInt(3);
            LimitOutcome alone = store.reserveNow(request("a" + i, check(THREE_PER_SECOND, user)));
            LimitOutcome together = general.reserveNow(
                    request("g" + i, check(generous, user), check(THREE_PER_SECOND, user)));
            assertThat(alone.verdict()).isEqualTo(together.verdict());
            assertThat(alone.deniedBy()).isEqualTo(together.deniedBy());
            assertThat(alone.retryAfterMillis()).isEqualTo(together.retryAfterMillis());
            assertThat(alone.rates().getFirst()).isEqualTo(together.rates().get(1));
        }
    }

    @Test
    void keysAreIndependent() {
        for (int i = 0; i < 3; i++) {
            store.reserveNow(request("a" + i, check(THREE_PER_SECOND, "alice")));
        }
        assertThat(store.reserveNow(request("a", check(THREE_PER_SECOND, "alice"))).admitted()).isFalse();
        assertThat(store.reserveNow(request("b", check(THREE_PER_SECOND, "bob"))).admitted()).isTrue();
    }

    @Test
    void aLaterRulesDenialConsumesNothingOfAnEarlierRule() {
        RateLimitRule wide = RateLimitRule.perUser("wide", 5, Duration.ofMinutes(1));
        RateLimitRule narrow = RateLimitRule.perUser("narrow", 1, Duration.ofMinutes(1));
        assertThat(store.reserveNow(request("1", check(wide, "alice"), check(narrow, "alice"))).admitted()).isTrue();
        for (int i = 0; i < 10; i++) {
            LimitOutcome denied = store.reserveNow(request("d" + i, check(wide, "alice"), check(narrow, "alice")));
            assertThat(denied.deniedBy()).isEqualTo("narrow");
            assertThat(denied.rates().getFirst().remaining()).isEqualTo(4); // wide still has 4 left
        }
        // Only the one admitted request was charged to "wide": 4 more fit.
        for (int i = 0; i < 4; i++) {
            assertThat(store.reserveNow(request("w" + i, check(wide, "alice"))).admitted()).isTrue();
        }
        assertThat(store.reserveNow(request("w5", check(wide, "alice"))).admitted()).isFalse();
    }

    @Test
    void retryAfterIsTheLongestWaitAmongTheRulesThatDenied() {
        RateLimitRule second = RateLimitRule.perUser("second", 1, Duration.ofSeconds(1));
        RateLimitRule minute = RateLimitRule.perUser("minute", 1, Duration.ofMinutes(1));
        store.reserveNow(request("1", check(second, "alice"), check(minute, "alice")));
        clock.advance(10);
        LimitOutcome denied = store.reserveNow(request("2", check(second, "alice"), check(minute, "alice")));
        assertThat(denied.retryAfterMillis()).isEqualTo(59_990);
    }

    @Test
    void concurrencySlotsAreReleasedAndTheCounterLeavesMemory() {
        ConcurrencyCheck two = new ConcurrencyCheck("concurrency|u=alice", 2, Duration.ofMinutes(1));
        LimitOutcome first = store.reserveNow(new LimitRequest("1", List.of(), two));
        LimitOutcome second = store.reserveNow(new LimitRequest("2", List.of(), two));
        LimitOutcome third = store.reserveNow(new LimitRequest("3", List.of(), two));
        assertThat(first.admitted()).isTrue();
        assertThat(second.admitted()).isTrue();
        assertThat(third.verdict()).isEqualTo(LimitOutcome.Verdict.CONCURRENCY_LIMITED);
        assertThat(third.deniedBy()).isEqualTo(LimitOutcome.CONCURRENCY);

        store.releaseNow(first.reservation());
        assertThat(store.inFlight(two.key())).isEqualTo(1);
        LimitOutcome fourth = store.reserveNow(new LimitRequest("4", List.of(), two));
        assertThat(fourth.admitted()).isTrue();
        store.releaseNow(second.reservation());
        store.releaseNow(fourth.reservation());
        assertThat(store.inFlight(two.key())).isZero();
        assertThat(store.size()).isZero();
    }

    @Test
    void aRateDenialTakesNoConcurrencySlotAndAConcurrencyDenialConsumesNoRate() {
        RateLimitRule one = RateLimitRule.perUser("one", 1, Duration.ofMinutes(1));
        ConcurrencyCheck single = new ConcurrencyCheck("concurrency|u=alice", 1, Duration.ofMinutes(1));
        LimitOutcome held = store.reserveNow(new LimitRequest("1", List.of(), single));
        LimitOutcome blocked = store.reserveNow(new LimitRequest("2", List.of(check(one, "alice")), single));
        assertThat(blocked.verdict()).isEqualTo(LimitOutcome.Verdict.CONCURRENCY_LIMITED);
        store.releaseNow(held.reservation());
        // "one" was not charged by the blocked request, so it still admits one.
        LimitOutcome admitted = store.reserveNow(new LimitRequest("3", List.of(check(one, "alice")), single));
        assertThat(admitted.admitted()).isTrue();
        store.releaseNow(admitted.reservation());
        LimitOutcome rateDenied = store.reserveNow(new LimitRequest("4", List.of(check(one, "alice")), single));
        assertThat(rateDenied.verdict()).isEqualTo(LimitOutcome.Verdict.RATE_LIMITED);
        assertThat(store.inFlight(single.key())).isZero();
    }

    @Test
    void sweepDropsOnlyIdleLogs() {
        store.reserveNow(request("1", check(THREE_PER_SECOND, "alice")));
        clock.advance(600);
        store.reserveNow(request("2", check(THREE_PER_SECOND, "bob")));
        clock.advance(400);
        assertThat(store.sweep()).isEqualTo(1); // alice's only admission left the window
        assertThat(store.size()).isEqualTo(1);
        clock.advance(600);
        assertThat(store.sweep()).isEqualTo(1);
        assertThat(store.size()).isZero();
        assertThat(store.reserveNow(request("3", check(THREE_PER_SECOND, "alice"))).admitted()).isTrue();
    }

    @Test
    void manyThreadsAtOnceNeverExceedTheCap() throws Exception {
        RateLimitRule hundred = RateLimitRule.perUser("hundred", 100, Duration.ofHours(1));
        RateLimitRule orgWide = new RateLimitRule("org", List.of(io.gatewaystack.limits.KeyPart.ORG), 150,
                Duration.ofHours(1));
        MemoryLimitStore shared = new MemoryLimitStore(java.time.InstantSource.system());
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger admittedAlice = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String user = t % 2 == 0 ? "alice" : "bob";
            int thread = t;
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 2000; i++) {
                    LimitOutcome o = shared.reserveNow(request(thread + "-" + i, check(hundred, user),
                            new RateCheck(orgWide, "org|o=acme")));
                    if (o.admitted()) {
                        admitted.incrementAndGet();
                        if (user.equals("alice")) {
                            admittedAlice.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        assertThat(admitted.get()).isEqualTo(150); // the org cap binds: alice and bob together
        assertThat(admittedAlice.get()).isLessThanOrEqualTo(100);
    }

    @Test
    void manyThreadsOnOneConcurrencyKeyNeverHoldMoreThanTheCap() throws Exception {
        ConcurrencyCheck three = new ConcurrencyCheck("concurrency|u=alice", 3, Duration.ofMinutes(1));
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger maxSeen = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                for (int i = 0; i < 5000; i++) {
                    LimitOutcome o = store.reserveNow(new LimitRequest(thread + "-" + i, List.of(), three));
                    if (o.admitted()) {
                        maxSeen.accumulateAndGet(holding.incrementAndGet(), Math::max);
                        holding.decrementAndGet();
                        store.releaseNow(o.reservation());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        assertThat(maxSeen.get()).isLessThanOrEqualTo(3);
        assertThat(store.inFlight(three.key())).isZero();
    }
}
