package io.gatewaystack.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@link TransformBenchmark} cases measured in MB per CPU-second of the scanning thread: "per core" throughput
 * that holds on a shared, oversubscribed machine, where JMH's wall-clock score mostly measures the wait for a core.
 * Each case warms up for {@code warmupSeconds} of CPU, then runs for {@code measureSeconds} of CPU.
 * Run: {@code java -cp bench/target/gatewaystack-bench.jar io.gatewaystack.bench.TransformCpuTime [warmup] [measure]}.
 */
public final class TransformCpuTime {

    private TransformCpuTime() {}

    public static void main(String[] args) {
        double warmup = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        double measure = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        TransformBenchmark b = new TransformBenchmark();
        b.setUp();
        Map<String, Supplier<Object>> cases = new LinkedHashMap<>();
        cases.put("scanFewHits", b::scanFewHits);
        cases.put("transformFewHits", b::transformFewHits);
        cases.put("streamFewHits", b::streamFewHits);
        cases.put("scanDense", b::scanDense);
        cases.put("transformDense", b::transformDense);
        cases.put("scanDenseWithoutPhone", b::scanDenseWithoutPhone);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        for (Map.Entry<String, Supplier<Object>> c : cases.entrySet()) {
            run(cpu, c.getValue(), warmup);
            long start = cpu.getCurrentThreadCpuTime();
            long runs = run(cpu, c.getValue(), measure);
            double seconds = (cpu.getCurrentThreadCpuTime() - start) / 1e9;
            double bytes = runs * TransformBenchmark.KIB * 1024.0;
            System.out.printf("%-22s %8.1f MB per CPU-second (%d runs of %d KiB)%n", c.getKey(), bytes / seconds / 1e6,
                    runs, TransformBenchmark.KIB);
        }
    }

    private static long run(ThreadMXBean cpu, Supplier<Object> body, double cpuSeconds) {
        long end = cpu.getCurrentThreadCpuTime() + (long) (cpuSeconds * 1e9);
        long runs = 0;
        Object sink = null;
        while (cpu.getCurrentThreadCpuTime() < end) {
            sink = body.get();
            runs++;
        }
        if (sink == null) throw new IllegalStateException();
        return runs;
    }
}
