package io.gatewaystack.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.gatewaystack.audit.store.JdbcAuditStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL store against a real server: {@code DATABASE_URL} (default the local trust-auth server). Skipped
 * with a loud message when none is reachable, except under {@code GATEWAYSTACK_REQUIRE_POSTGRES=1} (CI), where
 * that is a failure. Each test works in its own schema.
 */
class PostgresAuditTest {

    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    PostgresSchema database;
    String url;

    @BeforeEach
    void connect() {
        database = PostgresSchema.create("audit_test");
        url = database.url();
    }

    @AfterEach
    void dropSchema() throws Exception {
        if (database != null) {
            database.close();
        }
    }

    AuditConfig config() {
        return AuditConfig.defaults("gw-pg", dir.resolve("spool")).withSealKey(KEY, "k1").withSealEvery(100, Duration.ofSeconds(1));
    }

    @Test
    void aSinkThatIsDownCatchesUpInOrderExactlyOnce() throws Exception {
        JdbcAuditStore down = JdbcAuditStore.open("postgresql", "jdbc:postgresql://127.0.0.1:1/test?user=postgres");
        JdbcAuditStore up = JdbcAuditStore.open("postgresql", url);
        SwitchableSink sink = new SwitchableSink("postgresql", down);
        try (AuditPipeline p = new AuditPipeline(config(), List.of(sink))) {
            AuditPipelineTest.mixedLoad(1_500).forEach(ctx -> p.submit(AuditEvent.of(ctx)));
            long deadline = System.nanoTime() + 15_000_000_000L; // the pool gives up on a connection after 3 s
            while (p.health().sinks().getFirst().healthy() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            AuditPipeline.SinkStatus s = p.health().sinks().getFirst();
            assertThat(s.healthy()).isFalse();
            assertThat(s.lag()).isGreaterThan(1_500);
            assertThat(s.lastError()).contains("Connection");
            assertThat(p.acceptingEvents()).isTrue(); // the spool holds them; requests still served

            sink.target.set(up); // the database is back
            assertThat(p.awaitDelivered(Duration.ofSeconds(30))).isTrue();
            AuditPipelineTest.mixedLoad(500).forEach(ctx -> p.submit(AuditEvent.of(ctx)));
            assertThat(p.awaitDelivered(Duration.ofSeconds(30))).isTrue();
        }
        // a redelivery of everything (as after a crash between insert and offset commit) changes nothing
        try (AuditPipeline again = new AuditPipeline(config(), List.of(new SwitchableSink("postgresql-replay", up)))) {
            assertThat(again.awaitDelivered(Duration.ofSeconds(30))).isTrue();
        }
        assertThat(up.countEvents()).isEqualTo(2_000);
        AuditVerifier.Result r = new AuditVerifier(KEY).verify(up);
        assertThat(r.ok()).as(String.valueOf(r.firstBroken())).isTrue();
        assertThat(r.events()).isEqualTo(2_000);
        assertThat(r.seals()).isGreaterThanOrEqualTo(20);

        UsageReport.Report byOrg = UsageReport.compute(up, UsageReport.By.ORG, 0);
        assertThat(byOrg.total().requests()).isEqualTo(2_000);

        up.execute("DELETE FROM audit_events WHERE seq = 777");
        assertThat(new AuditVerifier(KEY).verify(up).firstBroken().seq()).isEqualTo(777);
        up.close();
        down.close();
    }

    @Test
    void cryptoShreddingOnPostgres() throws Exception {
        try (JdbcAuditStore store = JdbcAuditStore.open("postgresql", url)) {
            CryptoShreddingTest.eraseAUserAndTheChainStillVerifies(store, dir);
        }
    }
}
