package io.gatewaystack.bench;

import io.gatewaystack.limits.RateLimitRule;
import io.gatewaystack.limits.store.LimitOutcome;
import io.gatewaystack.limits.store.LimitRequest;
import io.gatewaystack.limits.store.MemoryLimitStore;
import io.gatewaystack.limits.store.RateCheck;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;

/**
 * {@link RateLimitBenchmark}'s in-memory cases measured in checks per CPU-second of the checking thread: the "per
 * core" figure of the target, which holds on a shared machine where JMH's wall-clock score mostly measures the wait
 * for a core. (Caches are still shared with whatever else runs, so a memory-bound case reads low on a busy machine.)
 * Run: {@code java -cp bench/target/gatewaystack-bench.jar io.gatewaystack.bench.LimitsCpuTime [warmup s] [measure s]
 * [users...]}.
 */
public final class LimitsCpuTime {

    private static final int BATCH = 10_000;

    private LimitsCpuTime() {
    }

    public static void main(String[] args) {
        double warmup = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        double measure = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        int[] users = args.length > 2
                ? java.util.Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {100_000, 10_000};
        RateLimitRule rule = RateLimitRule.perUser("per-user", 1000, Duration.ofSeconds(1));
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        for (int n : users) {
            MemoryLimitStore store = new MemoryLimitStore(InstantSource.system());
            LimitRequest[] requests = new LimitRequest[n];
            for (int i = 0; i < n; i++) {
                requests[i] = new LimitRequest("r", List.of(new RateCheck(rule, "per-user|u=cpu-" + i)), null);
            }
            report(cpu, "memoryManyKeys users=" + n, requests, warmup, measure, store);
        }
        MemoryLimitStore store = new MemoryLimitStore(InstantSource.system());
        report(cpu, "memoryHotKey", new LimitRequest[] {
                new LimitRequest("hot", List.of(new RateCheck(rule, "per-user|u=hot")), null)}, warmup, measure, store);
    }

    private static void report(ThreadMXBean cpu, String name, LimitRequest[] requests, double warmup, double measure,
                               MemoryLimitStore store) {
        run(cpu, store, requests, warmup);
        long start = cpu.getCurrentThreadCpuTime();
        long checks = run(cpu, store, requests, measure);
        double seconds = (cpu.getCurrentThreadCpuTime() - start) / 1e9;
        System.out.printf("%-30s %6.2f M checks per CPU-second (%d checks)%n", name, checks / seconds / 1e6, checks);
    }

    private static long run(ThreadMXBean cpu, MemoryLimitStore store, LimitRequest[] requests, double cpuSeconds) {
        long end = cpu.getCurrentThreadCpuTime() + (long) (cpuSeconds * 1e9);
        long checks = 0;
        int next = 0;
        int admitted = 0;
        while (cpu.getCurrentThreadCpuTime() < end) {
            for (int i = 0; i < BATCH; i++) {
                LimitOutcome outcome = store.reserveNow(requests[next]);
                admitted += outcome.admitted() ? 1 : 0;
                next = next + 1 == requests.length ? 0 : next + 1;
            }
            checks += BATCH;
        }
        if (admitted < 0) {
            throw new IllegalStateException();
        }
        return checks;
    }
}
