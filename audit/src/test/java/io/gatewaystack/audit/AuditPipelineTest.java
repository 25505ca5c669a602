package io.gatewaystack.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.audit.store.AuditSource;
import io.gatewaystack.audit.store.JdbcAuditStore;
import io.gatewaystack.audit.store.JsonLinesSink;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditPipelineTest {

    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    static List<RequestContext> mixedLoad(int n) {
        List<RequestContext> out = new ArrayList<>();
        String[] orgs = {"acme", "globex", "initech"};
        for (int i = 0; i < n; i++) {
            String org = orgs[i % 3];
            out.add(switch (i % 5) {
                case 0, 1 -> Contexts.allowed("u" + (i % 7), org, i % 2 == 0 ? "gpt-4o" : "claude", 10 + i, 5 + i, 100L * i,
                        i % 4 == 0 ? List.of("email", "phone") : List.of("email"));
                case 2 -> Contexts.denied("u" + (i % 7), org, i % 3 == 0 ? "no-delete" : "no-admin-tools");
                case 3 -> Contexts.limited("u" + (i % 7), org);
                default -> Contexts.failed("u" + (i % 7), org);
            });
        }
        return out;
    }

    AuditConfig config() {
        return AuditConfig.defaults("gw-test", dir.resolve("spool")).withSealKey(KEY, "k1").withSealEvery(50, Duration.ofSeconds(1));
    }

    @Test
    void deliversToSqliteAndJsonLinesAndTheChainVerifies() throws Exception {
        Path db = dir.resolve("audit.db");
        Path jsonl = dir.resolve("audit.jsonl");
        JdbcAuditStore store = JdbcAuditStore.sqlite(db);
        AuditMetrics metrics = new AuditMetrics();
        try (AuditPipeline p = new AuditPipeline(config(), List.of(new SwitchableSink("sqlite", store), JsonLinesSink.file(jsonl, 1L << 30)))) {
            metrics.bind(p);
            AuditLayer layer = new AuditLayer(p, metrics);
            for (RequestContext ctx : mixedLoad(1_000)) {
                assertThat(layer.onRequest(ctx)).isEqualTo(Verdict.proceed());
                layer.onComplete(ctx);
            }
            assertThat(p.awaitDelivered(Duration.ofSeconds(20))).isTrue();
            assertThat(store.countEvents()).isEqualTo(1_000);
            AuditPipeline.Health h = p.health();
            assertThat(h.accepting()).isTrue();
            assertThat(h.written()).isEqualTo(1_000);
            assertThat(h.sinks()).allSatisfy(s -> assertThat(s.lag()).isZero());
            String scrape = metrics.scrape();
            assertThat(scrape).contains("gatewaystack_requests_total", "gatewaystack_request_latency_seconds_bucket",
                    "gatewaystack_audit_queue_depth", "gatewaystack_audit_spool_bytes", "gatewaystack_audit_sink_lag_records",
                    "gatewaystack_policy_decisions_total{effect=\"deny\"}", "gatewaystack_errors_total{code=\"rate_limited\"}");
        }
        AuditVerifier.Result r = new AuditVerifier(KEY).verify(store);
        assertThat(r.ok()).as(String.valueOf(r.firstBroken())).isTrue();
        assertThat(r.events()).isEqualTo(1_000);
        assertThat(r.seals()).isGreaterThanOrEqualTo(20);
        try (AuditSource file = AuditSource.open(jsonl.toString())) {
            AuditVerifier.Result fr = new AuditVerifier(KEY).verify(file);
            assertThat(fr.ok()).as(String.valueOf(fr.firstBroken())).isTrue();
            assertThat(fr.events()).isEqualTo(1_000);
        }
        try (AuditSource sqlite = AuditSource.open(db.toString())) {
            assertThat(new AuditVerifier(null).verify(sqlite).ok()).isTrue();
        }
        store.close();
    }

    @Test
    void reportsAddUpToTheRawEvents() throws Exception {
        JdbcAuditStore store = JdbcAuditStore.sqlite(dir.resolve("audit.db"));
        List<RequestContext> load = mixedLoad(600);
        try (AuditPipeline p = new AuditPipeline(config(), List.of(new SwitchableSink("sqlite", store)))) {
            load.forEach(ctx -> p.submit(AuditEvent.of(ctx)));
            assertThat(p.awaitDelivered(Duration.ofSeconds(20))).isTrue();
        }
        long tokensIn = 0, cost = 0, denied = 0;
        Map<String, Long> pii = new HashMap<>();
        Map<String, Long> perOrg = new HashMap<>();
        Map<String, Long> deniedPerRule = new HashMap<>();
        Map<String, Long> eventsPerPiiType = new HashMap<>();
        long withoutPii = 0;
        for (RequestContext c : load) {
            if (c.rejection() != null) {
                String rule = c.policyDecision() != null && c.policyDecision().effect() == io.gatewaystack.core.PolicyDecision.Effect.DENY
                        ? c.policyDecision().ruleId() : "error:" + c.rejection().code().code();
                deniedPerRule.merge(rule, 1L, Long::sum);
            }
            if (c.contentFindings() == null || c.contentFindings().piiTypes().isEmpty()) {
                withoutPii++;
            } else {
                c.contentFindings().piiTypes().stream().distinct().forEach(t -> eventsPerPiiType.merge(t, 1L, Long::sum));
            }
            if (c.usage() != null) {
                tokensIn += c.usage().inputTokens();
                cost += c.usage().costMicros();
            }
            if (c.rejection() != null) {
                denied++;
            }
            if (c.contentFindings() != null) {
                c.contentFindings().piiTypes().forEach(t -> pii.merge(t, 1L, Long::sum));
            }
            perOrg.merge(c.identity().orgId(), 1L, Long::sum);
        }
        for (UsageReport.By by : UsageReport.By.values()) {
            UsageReport.Report r = UsageReport.compute(store, by, 0);
            assertThat(r.total().requests()).isEqualTo(600);
            assertThat(r.total().piiByType()).isEqualTo(pii);
            if (by == UsageReport.By.PII_TYPE) {
                continue; // multi-valued: checked below
            }
            assertThat(r.rows().stream().mapToLong(UsageReport.Row::requests).sum()).isEqualTo(600);
            assertThat(r.rows().stream().mapToLong(UsageReport.Row::inputTokens).sum()).isEqualTo(tokensIn);
            assertThat(r.rows().stream().mapToLong(UsageReport.Row::costMicros).sum()).isEqualTo(cost);
            assertThat(r.rows().stream().mapToLong(UsageReport.Row::denied).sum()).isEqualTo(denied);
            assertThat(r.total().piiByType()).isEqualTo(pii);
        }
        // denials by rule: each denied event under the rule that denied it, adding up to the raw denials
        UsageReport.Report byRule = UsageReport.compute(store, UsageReport.By.RULE, 0);
        Map<String, Long> reportedDenials = new HashMap<>();
        byRule.rows().stream().filter(row -> row.denied() > 0).forEach(row -> reportedDenials.put(row.key(), row.denied()));
        assertThat(reportedDenials).isEqualTo(deniedPerRule);
        assertThat(byRule.rows()).extracting(UsageReport.Row::key).contains("allow-models", "no-delete", "error:rate_limited");
        // PII found by type: one row per type with the events that contained it, findings counted per type
        UsageReport.Report byPii = UsageReport.compute(store, UsageReport.By.PII_TYPE, 0);
        Map<String, Long> reportedPii = new HashMap<>();
        byPii.rows().forEach(row -> reportedPii.put(row.key(), row.requests()));
        Map<String, Long> expectedPii = new HashMap<>(eventsPerPiiType);
        expectedPii.put(UsageReport.NONE, withoutPii);
        assertThat(reportedPii).isEqualTo(expectedPii);
        byPii.rows().stream().filter(row -> !row.key().equals(UsageReport.NONE))
                .forEach(row -> assertThat(row.piiByType().get(row.key())).isEqualTo(pii.get(row.key())));
        assertThat(UsageReport.toCsv(byPii)).startsWith("pii_type,requests,");

        UsageReport.Report byOrg = UsageReport.compute(store, UsageReport.By.ORG, 0);
        assertThat(byOrg.rows()).extracting(UsageReport.Row::key).containsExactly("acme", "globex", "initech");
        byOrg.rows().forEach(row -> assertThat(row.requests()).isEqualTo(perOrg.get(row.key())));
        assertThat(byOrg.total().denialsByRule()).containsKeys("no-delete", "no-admin-tools", "error:rate_limited");
        assertThat(byOrg.total().denialsByRule().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(denied);
        assertThat(UsageReport.toTable(byOrg)).contains("acme", "TOTAL");
        assertThat(UsageReport.toCsv(byOrg)).startsWith("org,requests,allowed,denied");
        assertThat(UsageReport.toJson(byOrg)).contains("\"total\":{\"key\":\"TOTAL\",\"requests\":600");
        // since filters by time: only the failed requests (arrived at +300 s) are after +250 s
        assertThat(UsageReport.compute(store, UsageReport.By.DAY, 1_780_000_250_000L).total().requests()).isEqualTo(120);
        store.close();
    }

    @Test
    void modifiedDeletedAndReorderedRowsAreDetected() throws Exception {
        Path db = dir.resolve("audit.db");
        Path jsonl = dir.resolve("audit.jsonl");
        JdbcAuditStore store = JdbcAuditStore.sqlite(db);
        try (AuditPipeline p = new AuditPipeline(config(), List.of(new SwitchableSink("sqlite", store), JsonLinesSink.file(jsonl, 1L << 30)))) {
            mixedLoad(200).forEach(ctx -> p.submit(AuditEvent.of(ctx)));
            assertThat(p.awaitDelivered(Duration.ofSeconds(20))).isTrue();
        }
        AuditVerifier v = new AuditVerifier(KEY);
        assertThat(v.verify(store).ok()).isTrue();

        // a column copy changed (someone "fixed" a cost)
        store.execute("UPDATE audit_events SET cost_micros = 0 WHERE seq = 6");
        assertThat(v.verify(store).firstBroken()).satisfies(b -> {
            assertThat(b.problem()).isEqualTo(AuditVerifier.Problem.MODIFIED);
            assertThat(b.seq()).isEqualTo(6);
            assertThat(b.detail()).contains("cost_micros");
        });
        store.execute("UPDATE audit_events SET cost_micros = 500 WHERE seq = 6");
        assertThat(v.verify(store).ok()).isTrue();

        // the authoritative JSON changed
        store.execute("UPDATE audit_events SET event_json = REPLACE(event_json, '\"status\":200', '\"status\":201') WHERE seq = 11");
        assertThat(v.verify(store).firstBroken()).satisfies(b -> {
            assertThat(b.problem()).isEqualTo(AuditVerifier.Problem.MODIFIED);
            assertThat(b.seq()).isEqualTo(11);
        });
        store.execute("UPDATE audit_events SET event_json = REPLACE(event_json, '\"status\":201', '\"status\":200') WHERE seq = 11");
        assertThat(v.verify(store).ok()).isTrue();

        // a row deleted in the middle
        store.execute("DELETE FROM audit_events WHERE seq = 42");
        assertThat(v.verify(store).firstBroken()).satisfies(b -> {
            assertThat(b.problem()).isEqualTo(AuditVerifier.Problem.DELETED);
            assertThat(b.seq()).isEqualTo(42);
        });

        // the tail deleted: the last seal still names position 200
        JdbcAuditStore store2 = JdbcAuditStore.sqlite(dir.resolve("audit2.db"));
        try (AuditPipeline p = new AuditPipeline(config().withSealEvery(50, Duration.ofHours(1)),
                List.of(new SwitchableSink("sqlite2", store2)))) {
            // the pipeline continues the existing spool's chain; only the new events land in audit2.db
            mixedLoad(100).forEach(ctx -> p.submit(AuditEvent.of(ctx)));
            assertThat(p.awaitDelivered(Duration.ofSeconds(20))).isTrue();
        }
        store2.close();

        // lines of the JSON-lines copy swapped: the first broken link is the first moved line
        List<String> lines = new ArrayList<>(Files.readAllLines(jsonl));
        List<String> events = lines.stream().filter(l -> l.startsWith("{\"schema\"")).toList();
        int i3 = lines.indexOf(events.get(2));
        int i4 = lines.indexOf(events.get(3));
        lines.set(i3, events.get(3));
        lines.set(i4, events.get(2));
        Files.write(jsonl, lines);
        try (AuditSource f = AuditSource.open(jsonl.toString())) {
            AuditVerifier.BrokenLink b = v.verify(f).firstBroken();
            assertThat(b).isNotNull();
            assertThat(b.seq()).isEqualTo(3);
        }
        store.close();
    }

    @Test
    void truncatedTailIsCaughtByTheSeal() throws Exception {
        JdbcAuditStore store = JdbcAuditStore.sqlite(dir.resolve("audit.db"));
        try (AuditPipeline p = new AuditPipeline(config(), List.of(new SwitchableSink("sqlite", store)))) {
            mixedLoad(120).forEach(ctx -> p.submit(AuditEvent.of(ctx)));
            assertThat(p.awaitDelivered(Duration.ofSeconds(20))).isTrue();
        }
        // seals at 50, 100 and the final one at 120 (on close)
        assertThat(store.seals()).extracting(Seal::seq).containsExactly(50L, 100L, 120L);
        store.execute("DELETE FROM audit_events WHERE seq > 110");
        AuditVerifier.Result r = new AuditVerifier(KEY).verify(store);
        assertThat(r.firstBroken().problem()).isEqualTo(AuditVerifier.Problem.DELETED);
        assertThat(r.firstBroken().seq()).isEqualTo(111);
        // a forged seal
        store.execute("UPDATE audit_seals SET seal_json = REPLACE(seal_json, '\"seq\":100', '\"seq\":101') WHERE seq = 100");
        assertThat(new AuditVerifier(KEY).verify(store).firstBroken().problem()).isEqualTo(AuditVerifier.Problem.SEAL_INVALID);
        store.close();
    }

    @Test
    void aCrashLosesNothingThatReachedTheSpool() throws Exception {
        SwitchableSink sink = new SwitchableSink("sqlite", SwitchableSink.failing());
        AuditPipeline p1 = new AuditPipeline(config(), List.of(sink));
        mixedLoad(300).forEach(ctx -> p1.submit(AuditEvent.of(ctx)));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (p1.writtenCount() < 300 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(p1.writtenCount()).isEqualTo(300);
        p1.halt(); // the crash: no drain, no final seal, sink never delivered
        assertThat(p1.health().sinks().getFirst().committedPos()).isZero();

        JdbcAuditStore store = JdbcAuditStore.sqlite(dir.resolve("audit.db"));
        try (AuditPipeline p2 = new AuditPipeline(config(), List.of(new SwitchableSink("sqlite", store)))) {
            assertThat(p2.chainId()).isEqualTo(p1.chainId());
            mixedLoad(20).forEach(ctx -> p2.submit(AuditEvent.of(ctx)));
            assertThat(p2.awaitDelivered(Duration.ofSeconds(20))).isTrue();
        }
        assertThat(store.countEvents()).isEqualTo(320);
        AuditVerifier.Result r = new AuditVerifier(KEY).verify(store);
        assertThat(r.ok()).as(String.valueOf(r.firstBroken())).isTrue();
        assertThat(r.events()).isEqualTo(320);
        store.close();
    }

    @Test
    void aTornSpoolTailIsTruncatedOnRestart() throws Exception {
        AuditPipeline p1 = new AuditPipeline(config(), List.of(new SwitchableSink("s", SwitchableSink.failing())));
        mixedLoad(10).forEach(ctx -> p1.submit(AuditEvent.of(ctx)));
        while (p1.writtenCount() < 10) {
            Thread.sleep(5);
        }
        p1.halt();
        Path seg;
        try (var files = Files.list(dir.resolve("spool"))) {
            seg = files.filter(f -> f.toString().endsWith(".spool")).findFirst().orElseThrow();
        }
        Files.write(seg, new byte[]{0, 0, 1, 0, 42, 42}, java.nio.file.StandardOpenOption.APPEND); // half a frame
        JdbcAuditStore store = JdbcAuditStore.sqlite(dir.resolve("audit.db"));
        try (AuditPipeline p2 = new AuditPipeline(config(), List.of(new SwitchableSink("s", store)))) {
            p2.submit(AuditEvent.of(Contexts.anonymous()));
            assertThat(p2.awaitDelivered(Duration.ofSeconds(20))).isTrue();
        }
        assertThat(store.countEvents()).isEqualTo(11);
        assertThat(new AuditVerifier(KEY).verify(store).ok()).isTrue();
        store.close();
    }

    @Test
    void spoolOverItsLimitFailsClosedUntilTheSinkCatchesUp() throws Exception {
        SwitchableSink sink = new SwitchableSink("sqlite", SwitchableSink.failing());
        AuditConfig cfg = config().withSpoolLimits(16 * 1024, 48 * 1024, AuditConfig.SpoolFullPolicy.FAIL_CLOSED);
        JdbcAuditStore store = JdbcAuditStore.sqlite(dir.resolve("audit.db"));
        try (AuditPipeline p = new AuditPipeline(cfg, List.of(sink))) {
            AuditLayer layer = new AuditLayer(p, null);
            int accepted = 0;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (p.acceptingEvents() && System.nanoTime() < deadline) {
                RequestContext ctx = Contexts.allowed("u", "acme", "m", 1, 1, 1, List.of());
                if (layer.onRequest(ctx).isProceed()) {
                    layer.onComplete(ctx);
                    accepted++;
                }
                Thread.sleep(1);
            }
            assertThat(p.acceptingEvents()).isFalse();
            assertThat(p.health().alarm()).isTrue();
            RequestContext refused = Contexts.anonymous();
            Verdict v = layer.onRequest(refused);
            assertThat(v.isRejected()).isTrue();
            assertThat(v.rejection().status()).isEqualTo(503);
            assertThat(p.submit(AuditEvent.of(refused))).isFalse();
            assertThat(p.refusedCount()).isEqualTo(1);

            sink.target.set(store); // the sink comes back
            assertThat(p.awaitDelivered(Duration.ofSeconds(20))).isTrue();
            long until = System.nanoTime() + 5_000_000_000L;
            while (!p.acceptingEvents() && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertThat(p.acceptingEvents()).isTrue();
            assertThat(store.countEvents()).isEqualTo(accepted + p.droppedCount());
            assertThat(p.droppedCount()).isZero();
        }
        assertThat(new AuditVerifier(KEY).verify(store).ok()).isTrue();
        store.close();
    }

    @Test
    void alarmPolicyKeepsServing() throws Exception {
        AuditConfig cfg = config().withSpoolLimits(4 * 1024, 8 * 1024, AuditConfig.SpoolFullPolicy.ALARM);
        try (AuditPipeline p = new AuditPipeline(cfg, List.of(new SwitchableSink("s", SwitchableSink.failing())))) {
            mixedLoad(200).forEach(ctx -> assertThat(p.submit(AuditEvent.of(ctx))).isTrue());
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!p.alarm() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(p.alarm()).isTrue();
            assertThat(p.acceptingEvents()).isTrue();
        }
    }
}
