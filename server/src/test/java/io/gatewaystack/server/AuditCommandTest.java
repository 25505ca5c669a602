package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.audit.AuditConfig;
import io.gatewaystack.audit.AuditEvent;
import io.gatewaystack.audit.AuditPipeline;
import io.gatewaystack.audit.store.JdbcAuditStore;
import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.Identity;
import io.gatewaystack.core.PolicyDecision;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.ResourceRequest;
import io.gatewaystack.core.Usage;
import io.gatewaystack.server.cli.GatewayStackCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gatewaystack audit verify} and {@code gatewaystack usage} over a real SQLite store. */
class AuditCommandTest {

    @TempDir
    Path dir;
    Path db;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = new CommandLine(new GatewayStackCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private static RequestContext request(String sub, String org, boolean deny, long now) {
        RequestContext ctx = RequestContext.builder().requestId("r-" + System.nanoTime()).method("POST")
                .path("/proxy/v1/chat/completions").routeName("proxy").startEpochMillis(now).build();
        ctx.identity(new Identity(sub, "https://issuer.example", org, null, List.of(), List.of(), null, null, null,
                null, Instant.now().plusSeconds(60), Map.of()));
        ctx.resource(new ResourceRequest(ResourceRequest.Kind.MODEL, "gpt-4o"));
        if (deny) {
            ctx.policyDecision(new PolicyDecision(PolicyDecision.Effect.DENY, "pd", "no-gpt4", List.of("no")));
            ctx.rejection(GatewayError.of(ErrorCode.POLICY_DENIED, "no"));
            ctx.complete(403, "policy_denied");
        } else {
            ctx.usage(new Usage(100, 20, 1_500));
            ctx.complete(200, null);
        }
        return ctx;
    }

    @BeforeEach
    void fill() throws Exception {
        db = dir.resolve("audit.db");
        JdbcAuditStore store = JdbcAuditStore.sqlite(db);
        AuditConfig cfg = AuditConfig.defaults("gw-cli", dir.resolve("spool"));
        try (AuditPipeline p = new AuditPipeline(cfg, List.of(store))) {
            long now = System.currentTimeMillis();
            for (int i = 0; i < 30; i++) {
                p.submit(AuditEvent.of(request("u" + (i % 3), i % 2 == 0 ? "acme" : "globex", i % 5 == 0, now - i * 1000L)));
            }
            // an old event, outside --since 7d
            p.submit(AuditEvent.of(request("old", "acme", false, now - Duration.ofDays(30).toMillis())));
            assertThat(p.awaitDelivered(Duration.ofSeconds(20))).isTrue();
        }
    }

    @Test
    void verifyPassesThenReportsTheFirstBrokenLink() throws Exception {
        assertThat(run("audit", "verify", "--store", db.toString())).isZero();
        assertThat(out.toString()).startsWith("OK: 31 events in 1 chain(s)");

        assertThat(run("audit", "verify", "--store", "jdbc:sqlite:" + db)).isZero();

        try (JdbcAuditStore store = JdbcAuditStore.sqlite(db)) {
            store.execute("DELETE FROM audit_events WHERE seq = 12");
        }
        assertThat(run("audit", "verify", "--store", db.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("BROKEN: DELETED at gw-cli.", "#12");

        assertThat(run("audit", "verify", "--store", dir.resolve("nope.db").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("cannot read the audit store");
    }

    @Test
    void usageByOrgInEveryFormat() {
        assertThat(run("usage", "--by", "org", "--since", "7d", "--store", db.toString())).isZero();
        assertThat(out.toString()).contains("org", "requests", "acme", "globex", "TOTAL");
        assertThat(out.toString().lines().filter(l -> l.startsWith("TOTAL")).findFirst().orElseThrow())
                .matches("TOTAL\\s+30\\s+24\\s+6\\s+0\\s+2400\\s+480\\s+0\\.036000\\s+no-gpt4=6");

        assertThat(run("usage", "--by", "org", "--since", "60d", "--format", "csv", "--store", db.toString())).isZero();
        assertThat(out.toString()).startsWith("org,requests,allowed,denied,errors,input_tokens,output_tokens,cost,denials_by_rule,pii_by_type\n")
                .contains("\nacme,16,");

        assertThat(run("usage", "--by", "model", "--format", "json", "--store", db.toString())).isZero();
        assertThat(out.toString()).contains("\"by\":\"model\"", "\"key\":\"gpt-4o\",\"requests\":30",
                "\"denials_by_rule\":{\"no-gpt4\":6}");

        assertThat(run("usage", "--by", "rule", "--since", "60d", "--format", "csv", "--store", db.toString())).isZero();
        assertThat(out.toString()).startsWith("rule,requests,allowed,denied,").contains("\nno-gpt4,6,0,6,", "\n(none),25,25,0,");

        assertThat(run("usage", "--by", "pii-type", "--since", "60d", "--format", "json", "--store", db.toString())).isZero();
        assertThat(out.toString()).contains("\"by\":\"pii_type\"", "\"key\":\"(none)\",\"requests\":31");

        assertThat(run("usage", "--by", "planet", "--store", db.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("bad argument");
    }

    @Test
    void eraseShredsOneUsersKeysAndTheChainStillVerifies() throws Exception {
        String dataKey = "hex:" + "7e".repeat(32);
        Path keyFile = dir.resolve("data.key");
        java.nio.file.Files.writeString(keyFile, dataKey + "\n");
        Path encrypted = dir.resolve("encrypted.db");
        AuditConfig cfg = AuditConfig.defaults("gw-gdpr", dir.resolve("spool-gdpr")).withDataKey(AuditConfig.parseKey(dataKey));
        try (JdbcAuditStore store = JdbcAuditStore.sqlite(encrypted); AuditPipeline p = new AuditPipeline(cfg, List.of(store))) {
            long now = System.currentTimeMillis();
            for (int i = 0; i < 12; i++) {
                p.submit(AuditEvent.of(request("u" + (i % 3), "acme", false, now - i * 1000L)));
            }
            assertThat(p.awaitDelivered(Duration.ofSeconds(20))).isTrue();
        }
        assertThat(run("audit", "erase", "--subject", "u1", "--store", encrypted.toString(), "--data-key-file", keyFile.toString())).isZero();
        assertThat(out.toString()).startsWith("erased u1: 1 data key(s) deleted");
        try (JdbcAuditStore store = JdbcAuditStore.sqlite(encrypted)) {
            store.withDataKey(AuditConfig.parseKey(dataKey));
            var rows = io.gatewaystack.audit.UsageReport.compute(store, io.gatewaystack.audit.UsageReport.By.USER, 0).rows();
            assertThat(rows).extracting(io.gatewaystack.audit.UsageReport.Row::key)
                    .containsExactly("(unreadable)", "u0", "u2");
        }
        assertThat(run("audit", "verify", "--store", encrypted.toString())).isZero();
        assertThat(out.toString()).startsWith("OK: 12 events in 1 chain(s)");

        assertThat(run("audit", "erase", "--subject", "u1", "--store", encrypted.toString(), "--data-key-env", "NO_SUCH_VAR_X")).isEqualTo(2);
        assertThat(err.toString()).contains("no data key");
    }
}
