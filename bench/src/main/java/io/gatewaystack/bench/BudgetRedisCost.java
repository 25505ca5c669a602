package io.gatewaystack.bench;

import io.gatewaystack.limits.budget.BudgetOutcome;
import io.gatewaystack.limits.budget.BudgetRequest;
import io.gatewaystack.limits.budget.RedisBudgetStore;
import io.gatewaystack.limits.budget.Settlement;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * What a budget reserve and settle cost in CPU, on each side, with {@link BudgetBenchmark}'s requests (a user and
 * an org budget each): the Redis server's CPU per script (from {@code INFO cpu} and {@code INFO commandstats}) and
 * this client's CPU per pair. On a shared machine these hold where wall-clock rates do not: a dedicated Redis core
 * runs {@code 1 / server CPU} scripts per second, and one gateway instance spends the client CPU on each pair.
 * Point it at a Redis nothing else uses, or the server figures include the other clients.
 * Run: {@code java -cp bench/target/gatewaystack-bench.jar io.gatewaystack.bench.BudgetRedisCost [redis url] [pairs]}.
 */
public final class BudgetRedisCost {

    private static final int IN_FLIGHT = 64;

    private BudgetRedisCost() {
    }

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "redis://127.0.0.1:6379";
        int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        String run = UUID.randomUUID().toString().substring(0, 6);
        RedisClient client = RedisClient.create(url);
        try (StatefulRedisConnection<String, String> info = client.connect();
             RedisBudgetStore store = new RedisBudgetStore(url, "gs:cost:" + run + ":", Duration.ofSeconds(5))) {
            RedisCommands<String, String> redis = info.sync();
            BudgetRequest[] warm = BudgetBenchmark.requests(20_000, run + "w");
            phase(store, warm, new Settlement[warm.length], warm.length, true); // warm-up: JIT, connection
            for (int round = 0; round < 2; round++) {
                // Fresh holders each round, so every reserve opens a reservation and every settle closes one.
                BudgetRequest[] requests = BudgetBenchmark.requests(pairs, run + round);
                Settlement[] settlements = new Settlement[pairs];
                measure("reserve", redis, () -> phase(store, requests, settlements, pairs, false), pairs);
                measure("settle ", redis, () -> settleAll(store, settlements, pairs), pairs);
            }
        } finally {
            client.shutdown();
        }
    }

    interface Phase {
        void run() throws Exception;
    }

    private static void measure(String name, RedisCommands<String, String> redis, Phase phase, int count)
            throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double serverBefore = serverCpu(redis);
        long[] scriptsBefore = scripts(redis);
        long clientBefore = os.getProcessCpuTime();
        long wallBefore = System.nanoTime();
        phase.run();
        double wall = (System.nanoTime() - wallBefore) / 1e9;
        double client = (os.getProcessCpuTime() - clientBefore) / 1e9;
        long[] scriptsAfter = scripts(redis);
        double server = serverCpu(redis) - serverBefore;
        long calls = scriptsAfter[0] - scriptsBefore[0];
        double usecInScripts = scriptsAfter[1] - scriptsBefore[1];
        System.out.printf("%s %d scripts: server %.1f µs CPU per script (%.1f µs inside the script), "
                        + "client %.1f µs CPU per script, %.0f scripts/s wall%n",
                name, calls, server * 1e6 / count, usecInScripts / count, client * 1e6 / count, count / wall);
    }

    private static void phase(RedisBudgetStore store, BudgetRequest[] requests, Settlement[] settlements, int count,
                              boolean settleToo) throws Exception {
        Semaphore window = new Semaphore(IN_FLIGHT);
        CompletableFuture<?>[] last = new CompletableFuture<?>[IN_FLIGHT];
        for (int i = 0; i < count; i++) {
            window.acquire();
            int slot = i % requests.length;
            CompletableFuture<BudgetOutcome> reserve = store.reserve(requests[slot]).toCompletableFuture();
            CompletableFuture<?> done = settleToo
                    ? reserve.thenCompose(outcome -> store.settle(Settlement.of(outcome.hold(), BudgetBenchmark.USED)))
                    : reserve.thenAccept(outcome -> settlements[slot] = Settlement.of(outcome.hold(), BudgetBenchmark.USED));
            done.whenComplete((ok, failure) -> window.release());
            last[i % IN_FLIGHT] = done;
        }
        window.acquire(IN_FLIGHT);
        for (CompletableFuture<?> f : last) {
            if (f != null) {
                f.join();
            }
        }
    }

    private static void settleAll(RedisBudgetStore store, Settlement[] settlements, int count) throws Exception {
        Semaphore window = new Semaphore(IN_FLIGHT);
        for (int i = 0; i < count; i++) {
            window.acquire();
            store.settle(settlements[i % settlements.length]).whenComplete((ok, failure) -> window.release());
        }
        window.acquire(IN_FLIGHT);
    }

    private static double serverCpu(RedisCommands<String, String> redis) {
        double total = 0;
        for (String line : redis.info("cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return total;
    }

    /** Calls and µs of EVALSHA and EVAL together. */
    private static long[] scripts(RedisCommands<String, String> redis) {
        long calls = 0;
        long usec = 0;
        for (String line : redis.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
                for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
                    if (field.startsWith("calls=")) {
                        calls += Long.parseLong(field.substring(6));
                    } else if (field.startsWith("usec=")) {
                        usec += Long.parseLong(field.substring(5));
                    }
                }
            }
        }
        return new long[] {calls, usec};
    }
}
