package io.gatewaystack.limits.store;

import io.gatewaystack.limits.KeyPart;
import io.gatewaystack.limits.RateLimitRule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class RedisLimitStoreTest {

    private RedisSupport redis;
    private RedisLimitStore store;

    @BeforeEach
    void start() throws Exception {
        redis = RedisSupport.shared();
        store = newStore();
    }

    @AfterEach
    void stop() throws Exception {
        store.close();
        redis.close();
    }

    private RedisLimitStore newStore() {
        return new RedisLimitStore(redis.url(), redis.prefix, Duration.ofSeconds(10));
    }

    private static LimitOutcome reserve(LimitStore s, LimitRequest r) throws Exception {
        return s.reserve(r).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static LimitRequest request(String holder, RateCheck... checks) {
        return new LimitRequest(holder, List.of(checks), null);
    }

    private static RateCheck check(RateLimitRule rule, String user) {
        return new RateCheck(rule, rule.name() + "|u=" + user);
    }

    @Test
    void admitsMaxThenDeniesWithRetryAfterAndAdmitsAgainAfterTheWindow() throws Exception {
        RateLimitRule rule = RateLimitRule.perUser("three", 3, Duration.ofMillis(400));
        for (int i = 0; i < 3; i++) {
            LimitOutcome o = reserve(store, request("r" + i, check(rule, "alice")));
            assertThat(o.admitted()).isTrue();
            assertThat(o.rates().getFirst().remaining()).isEqualTo(2 - i);
            assertThat(o.rates().getFirst().resetMillis()).isBetween(1L, 400L);
        }
        LimitOutcome denied = reserve(store, request("r3", check(rule, "alice")));
        assertThat(denied.verdict()).isEqualTo(LimitOutcome.Verdict.RATE_LIMITED);
        assertThat(denied.deniedBy()).isEqualTo("three");
        assertThat(denied.retryAfterMillis()).isBetween(1L, 400L);
        assertThat(denied.rates().getFirst().remaining()).isZero();

        Thread.sleep(denied.retryAfterMillis() + 20);
        assertThat(reserve(store, request("r4", check(rule, "alice"))).admitted()).isTrue();
    }

    @Test
    void everyKeyGetsAnExpiry() throws Exception {
        RateLimitRule rule = RateLimitRule.perUser("minute", 5, Duration.ofMinutes(1));
        ConcurrencyCheck cc = new ConcurrencyCheck("concurrency|u=alice", 2, Duration.ofSeconds(30));
        reserve(store, new LimitRequest("h1", List.of(check(rule, "alice")), cc));
        var sync = redis.admin().sync();
        assertThat(sync.pttl(store.rateKey("minute|u=alice"))).isBetween(1L, 60_000L);
        assertThat(sync.pttl(store.concurrencyKey("concurrency|u=alice"))).isBetween(1L, 30_000L);
        assertThat(store.rateKey("minute|u=alice")).isEqualTo(redis.prefix + "rl:{minute|u=alice}");
    }

    @Test
    void reloadsTheScriptAfterAFlush() throws Exception {
        RateLimitRule rule = RateLimitRule.perUser("flush", 5, Duration.ofMinutes(1));
        assertThat(reserve(store, request("1", check(rule, "alice"))).admitted()).isTrue();
        redis.admin().sync().scriptFlush();
        LimitOutcome after = reserve(store, request("2", check(rule, "alice")));
        assertThat(after.admitted()).isTrue();
        assertThat(after.rates().getFirst().remaining()).isEqualTo(3);
    }

    @Test
    void aLaterRulesDenialConsumesNothingOfAnEarlierRule() throws Exception {
        RateLimitRule wide = RateLimitRule.perUser("wide", 5, Duration.ofMinutes(1));
        RateLimitRule narrow = RateLimitRule.perUser("narrow", 1, Duration.ofMinutes(1));
        assertThat(reserve(store, request("1", check(wide, "alice"), check(narrow, "alice"))).admitted()).isTrue();
        for (int i = 0; i < 5; i++) {
            LimitOutcome denied = reserve(store, request("d" + i, check(wide, "alice"), check(narrow, "alice")));
            assertThat(denied.deniedBy()).isEqualTo("narrow");
        }
        assertThat(redis.admin().sync().llen(store.rateKey("wide|u=alice"))).isEqualTo(1);
        for (int i = 0; i < 4; i++) {
            assertThat(reserve(store, request("w" + i, check(wide, "alice"))).admitted()).isTrue();
        }
        assertThat(reserve(store, request("w5", check(wide, "alice"))).admitted()).isFalse();
    }

    @Test
    void concurrencySlotsAreReleasedAndExpireWhenNobodyReleasesThem() throws Exception {
        ConcurrencyCheck one = new ConcurrencyCheck("concurrency|u=alice", 1, Duration.ofMillis(300));
        LimitOutcome held = reserve(store, new LimitRequest("h1", List.of(), one));
        assertThat(held.admitted()).isTrue();
        LimitOutcome blocked = reserve(store, new LimitRequest("h2", List.of(), one));
        assertThat(blocked.verdict()).isEqualTo(LimitOutcome.Verdict.CONCURRENCY_LIMITED);
        assertThat(blocked.retryAfterMillis()).isEqualTo(1000);
        store.release(held.reservation()).toCompletableFuture().get(20, TimeUnit.SECONDS);
        LimitOutcome next = reserve(store, new LimitRequest("h3", List.of(), one));
        assertThat(next.admitted()).isTrue();
        // h3 is never released (a crashed gateway): its lease runs out after 300 ms.
        Thread.sleep(350);
        assertThat(reserve(store, new LimitRequest("h4", List.of(), one)).admitted()).isTrue();
    }

    @Test
    void manyConcurrentRequestsNeverExceedTheCap() throws Exception {
        RateLimitRule rule = RateLimitRule.perUser("cap", 100, Duration.ofMinutes(1));
        List<CompletableFuture<LimitOutcome>> all = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            all.add(store.reserve(request("r" + i, check(rule, "alice"))).toCompletableFuture());
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
        assertThat(all.stream().filter(f -> f.join().admitted()).count()).isEqualTo(100);
    }

    @Test
    void twoReplicasSharingOneRedisAdmitExactlyTheCapTogether() throws Exception {
        RateLimitRule perUser = RateLimitRule.perUser("shared", 250, Duration.ofMinutes(1));
        RateLimitRule perOrg = new RateLimitRule("org", List.of(KeyPart.ORG), 300, Duration.ofMinutes(1));
        try (RedisLimitStore replicaB = newStore()) {
            List<LimitStore> replicas = List.of(store, replicaB);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger admitted = new AtomicInteger();
            AtomicInteger alice = new AtomicInteger();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                LimitStore replica = replicas.get(t % 2);
                String user = t < 2 ? "alice" : "bob";
                int thread = t;
                workers.add(pool.submit(() -> {
                    go.await();
                    List<CompletableFuture<LimitOutcome>> mine = new ArrayList<>();
                    for (int i = 0; i < 400; i++) {
                        mine.add(replica.reserve(request(thread + "-" + i, check(perUser, user),
                                new RateCheck(perOrg, "org|o=acme"))).toCompletableFuture());
                    }
                    for (CompletableFuture<LimitOutcome> f : mine) {
                        if (f.get(30, TimeUnit.SECONDS).admitted()) {
                            admitted.incrementAndGet();
                            if (user.equals("alice")) {
                                alice.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> w : workers) {
                w.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(admitted.get()).isEqualTo(300); // the org cap, across both replicas
            assertThat(alice.get()).isLessThanOrEqualTo(250);
        }
    }
}
