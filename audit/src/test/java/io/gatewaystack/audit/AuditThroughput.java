package io.gatewaystack.audit;

import io.gatewaystack.audit.store.JdbcAuditStore;
import io.gatewaystack.core.RequestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Throughput harness (not a unit test; run by hand, see docs/benchmarks.md):
 * enqueue cost on the request path, and sustained events/s from submit to committed in SQLite and PostgreSQL.
 *
 * <pre>java -cp audit/target/classes:audit/target/test-classes:$(cat cp.txt) io.gatewaystack.audit.AuditThroughput [pgUrl]</pre>
 */
public final class AuditThroughput {

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("n", 200_000);
        RequestContext[] load = AuditPipelineTest.mixedLoad(1_000).toArray(RequestContext[]::new);

        if ("postgresql".equals(System.getProperty("only")) && args.length > 0) { // -Donly=postgresql: just that store
            run("postgresql", JdbcAuditStore.open("postgresql", args[0]), load, n, null);
            return;
        }
        // 1. enqueue cost: AuditEvent.of + submit, with the writer running into a no-op sink
        Path d0 = Files.createTempDirectory("audit-enq");
        AuditConfig c0 = AuditConfig.defaults("bench", d0).withQueueCapacity(1 << 20);
        try (AuditPipeline p = new AuditPipeline(c0, List.of())) {
            for (int round = 0; round < 5; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    p.submit(AuditEvent.of(load[i % load.length]));
                }
                long t1 = System.nanoTime();
                System.out.printf("enqueue round %d: %.2f us/event (dropped %d)%n", round, (t1 - t0) / 1000.0 / n, p.droppedCount());
                p.awaitDelivered(Duration.ofSeconds(60));
            }
        }
        run("sqlite", JdbcAuditStore.sqlite(Files.createTempDirectory("audit-db").resolve("audit.db")), load, n, null);
        // with crypto-shredding on: every sub encrypted (AES-GCM) on the writer, data keys through the spool
        run("sqlite+encrypted-sub", JdbcAuditStore.sqlite(Files.createTempDirectory("audit-db").resolve("audit.db")), load, n,
                "data-key-0123456789abcdef-0123456789".getBytes());
        if (args.length > 0) {
            run("postgresql", JdbcAuditStore.open("postgresql", args[0]), load, n, null);
        }
    }

    static void run(String label, JdbcAuditStore store, RequestContext[] load, int n, byte[] dataKey) throws Exception {
        store.migrate();
        Path dir = Files.createTempDirectory("audit-tp");
        AuditConfig cfg = AuditConfig.defaults("bench-" + label, dir).withQueueCapacity(1 << 18)
                .withSealKey("0123456789abcdef0123456789abcdef".getBytes(), "k1").withDataKey(dataKey);
        try (AuditPipeline p = new AuditPipeline(cfg, List.of(new SwitchableSink(label, store)))) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                while (!p.submit(AuditEvent.of(load[i % load.length]))) {
                    Thread.onSpinWait();
                }
            }
            long submitted = System.nanoTime();
            if (!p.awaitDelivered(Duration.ofMinutes(5))) {
                throw new IllegalStateException("not delivered");
            }
            long t1 = System.nanoTime();
            System.out.printf("%s: %d events submitted in %.2f s, all committed after %.2f s: %.0f events/s end to end (spool %d bytes at end)%n",
                    label, n, (submitted - t0) / 1e9, (t1 - t0) / 1e9, n / ((t1 - t0) / 1e9), p.spoolBytes());
        }
        long count = store.countEvents();
        System.out.printf("%s: %d rows; verify: %s%n", label, count, new AuditVerifier(null).verify(store).ok());
        store.close();
    }
}
