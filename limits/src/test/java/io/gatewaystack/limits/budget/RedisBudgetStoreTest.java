package io.gatewaystack.limits.budget;

import io.gatewaystack.limits.store.RedisSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract against a real Redis, plus what only a shared store shows: two replicas, one budget. */
class RedisBudgetStoreTest extends BudgetStoreContract {

    private RedisSupport redis;
    private RedisBudgetStore store;

    @BeforeEach
    void start() throws Exception {
        redis = RedisSupport.shared();
        store = new RedisBudgetStore(redis.url(), redis.prefix, Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() throws Exception {
        store.close();
        redis.close();
    }

    @Override
    BudgetStore store() {
        return store;
    }

    @Override
    void passTime(long ttlMillis) throws Exception {
        Thread.sleep(ttlMillis + 50); // Redis keeps its own time: reservations expire by its clock
    }

    @Test
    void twoReplicasShareOneBudget() throws Exception {
        try (RedisBudgetStore other = new RedisBudgetStore(redis.url(), redis.prefix, Duration.ofSeconds(10))) {
            BudgetCheck check = check(USER, "u=a", 600);
            assertThat(store.reserve(new BudgetRequest("a", List.of(check), 60_000)).toCompletableFuture()
                    .get(20, TimeUnit.SECONDS).admitted()).isTrue();
            BudgetOutcome second = other.reserve(new BudgetRequest("b", List.of(check), 60_000)).toCompletableFuture()
                    .get(20, TimeUnit.SECONDS);
            assertThat(second.admitted()).isFalse();
            assertThat(second.states().get(0).reserved()).isEqualTo(600);
        }
    }

    @Test
    void countersExpireAnHourAfterTheirPeriod() throws Exception {
        BudgetCheck check = new BudgetCheck(USER, "u=ttl", 5, System.currentTimeMillis() + 10_000);
        store.reserve(new BudgetRequest("a", List.of(check), 60_000)).toCompletableFuture().get(20, TimeUnit.SECONDS);
        long ttl = redis.admin().sync().pttl(store.hashKey("u=ttl"));
        assertThat(ttl).isBetween(3_600_000L, 3_611_000L);
    }
}
