package io.gatewaystack.bench;

import io.gatewaystack.core.Identity;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.limits.LimitsConfig;
import io.gatewaystack.limits.LimitsLayer;
import io.gatewaystack.limits.RateLimitRule;
import io.gatewaystack.limits.store.LimitOutcome;
import io.gatewaystack.limits.store.LimitRequest;
import io.gatewaystack.limits.store.MemoryLimitStore;
import io.gatewaystack.limits.store.RateCheck;
import io.gatewaystack.limits.store.RedisLimitStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Cost of one rate limit check in the limits layer's stores.
 * <ul>
 *   <li>{@link #memoryManyKeys}: the in-memory store, each thread cycling over its own 100,000 users (one rule,
 *       1,000 per second, so nearly every check admits and appends to its log).</li>
 *   <li>{@link #memoryHotKey}: every thread on one user (1,000 per second, so past the first thousand each check is
 *       a denial); run with {@code -t 2} to see two threads contend on the key's lock.</li>
 *   <li>{@link #layerManyUsers}: the whole layer (key building, request, store, decision) over 10,000 users.</li>
 *   <li>{@link #redisSequential} (sample time, one check in flight) and {@link #redisPipelined} (64 in flight on the
 *       one connection): the Redis store against {@code REDIS_URL} or 127.0.0.1:6379.</li>
 * </ul>
 * Run: {@code java -jar bench/target/gatewaystack-bench.jar RateLimitBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s}.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RateLimitBenchmark {

    static final RateLimitRule RULE = RateLimitRule.perUser("per-user", 1000, Duration.ofSeconds(1));

    @State(Scope.Benchmark)
    public static class SharedStore {
        final MemoryLimitStore store = new MemoryLimitStore(InstantSource.system());
        final LimitRequest hot = new LimitRequest("hot", List.of(new RateCheck(RULE, "per-user|u=hot")), null);
    }

    @State(Scope.Thread)
    public static class ManyKeys {
        /** Users per thread; 100,000 is the reported figure, smaller values show the cache-resident cost. */
        @Param("100000")
        int users;
        LimitRequest[] requests;
        int next;

        @Setup
        public void setUp() {
            String thread = UUID.randomUUID().toString().substring(0, 6);
            requests = new LimitRequest[users];
            for (int i = 0; i < requests.length; i++) {
                requests[i] = new LimitRequest("r", List.of(new RateCheck(RULE, "per-user|u=" + thread + "-" + i)), null);
            }
        }

        LimitRequest next() {
            LimitRequest r = requests[next];
            next = next + 1 == requests.length ? 0 : next + 1;
            return r;
        }
    }

    @State(Scope.Thread)
    public static class Layer {
        LimitsLayer layer;
        Identity[] users;
        int next;

        @Setup
        public void setUp() {
            layer = new LimitsLayer(LimitsConfig.of(List.of(RULE)), new MemoryLimitStore(InstantSource.system()));
            users = new Identity[10_000];
            for (int i = 0; i < users.length; i++) {
                users[i] = new Identity("user-" + i, "https://idp", "acme", null, List.of(), List.of(), null, null,
                        null, null, null, Map.of());
            }
        }

        /** A fresh context per request, as the server makes one: a reused one would pile up response headers. */
        RequestContext nextRequest() {
            RequestContext c = RequestContext.builder().requestId("req-" + next).method("POST").path("/tools/mcp")
                    .routeName("mcp").build();
            c.identity(users[next]);
            next = next + 1 == users.length ? 0 : next + 1;
            return c;
        }
    }

    @State(Scope.Benchmark)
    public static class Redis {
        RedisLimitStore store;
        LimitRequest[] requests;
        int next;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            String url = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
            store = new RedisLimitStore(url, "gs:bench:" + UUID.randomUUID().toString().substring(0, 6) + ":",
                    Duration.ofSeconds(2));
            requests = new LimitRequest[10_000];
            RateLimitRule rule = RateLimitRule.perUser("per-user", 1000, Duration.ofSeconds(10));
            for (int i = 0; i < requests.length; i++) {
                requests[i] = new LimitRequest("r", List.of(new RateCheck(rule, "per-user|u=" + i)), null);
            }
            store.reserve(requests[0]).toCompletableFuture().get(5, TimeUnit.SECONDS); // connect, load the script
        }

        synchronized LimitRequest next() {
            LimitRequest r = requests[next];
            next = next + 1 == requests.length ? 0 : next + 1;
            return r;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            store.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public LimitOutcome memoryManyKeys(SharedStore shared, ManyKeys keys) {
        return shared.store.reserveNow(keys.next());
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public LimitOutcome memoryHotKey(SharedStore shared) {
        return shared.store.reserveNow(shared.hot);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Object layerManyUsers(Layer state) {
        return state.layer.onRequest(state.nextRequest());
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public LimitOutcome redisSequential(Redis redis) throws Exception {
        return redis.store.reserve(redis.next()).toCompletableFuture().get();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(64)
    public void redisPipelined(Redis redis) {
        CompletableFuture<?>[] inFlight = new CompletableFuture<?>[64];
        for (int i = 0; i < inFlight.length; i++) {
            inFlight[i] = redis.store.reserve(redis.next()).toCompletableFuture();
        }
        CompletableFuture.allOf(inFlight).join();
    }
}
