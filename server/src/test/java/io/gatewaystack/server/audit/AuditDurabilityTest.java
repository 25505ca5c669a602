package io.gatewaystack.server.audit;

import io.gatewaystack.audit.PostgresSchema;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.audit.AuditConfig;
import io.gatewaystack.audit.AuditVerifier;
import io.gatewaystack.audit.store.JdbcAuditStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit trail's durability, end to end: the real gateway in its own JVM ({@code gatewaystack demo}), writing
 * to a real PostgreSQL through a TCP forwarder the test can cut. {@code kill -9} the gateway with events waiting
 * in its spool or mid-delivery, cut and kill PostgreSQL connections mid-load: afterwards every event is stored
 * exactly once, in chain order, and the chain verifies.
 *
 * <p>The shared PostgreSQL server is never stopped: the forwarder resets the gateway's connections (and refuses
 * new ones) and {@code pg_terminate_backend} kills only this test's backends (found by application name). Each
 * test uses its own schema.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AuditDurabilityTest {

    static final String SEAL_KEY = "hex:" + "5a".repeat(32);
    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;
    PostgresSchema database;
    String baseUrl;
    String schema;
    String appName;
    TcpForwarder forwarder;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() throws Exception {
        database = PostgresSchema.create("audit_dur");
        baseUrl = database.baseUrl();
        schema = database.name();
        appName = "gs-" + schema;
        Matcher m = Pattern.compile("^jdbc:postgresql://([^/:?]+)(?::(\\d+))?/").matcher(baseUrl);
        assertThat(m.find()).as("DATABASE_URL host and port: " + baseUrl).isTrue();
        forwarder = new TcpForwarder(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (forwarder != null) {
            forwarder.close();
        }
        if (database != null) {
            database.close();
        }
    }

    /** The store as the gateway sees it: through the forwarder, in the test's schema, under a findable name. */
    String gatewayDatabaseUrl() {
        String viaForwarder = baseUrl.replaceFirst("^jdbc:postgresql://[^/]+/", "jdbc:postgresql://127.0.0.1:" + forwarder.port() + "/");
        return PostgresSchema.withParameter(viaForwarder, "currentSchema=" + schema + "&ApplicationName=" + appName);
    }

    /** The store read directly (not through the forwarder). */
    String directUrl() {
        return database.url();
    }

    GatewayProcess startGateway(String name) throws Exception {
        return GatewayProcess.start(Map.of("DEMO_DATA_DIR", dir.toString(), "DATABASE_URL", gatewayDatabaseUrl(),
                "GATEWAYSTACK_AUDIT_SEAL_KEY", SEAL_KEY), dir.resolve(name + ".log"));
    }

    @Test
    void killNineWithEventsWaitingInTheSpoolThenRestartDeliversEveryOneExactlyOnce() throws Exception {
        GatewayProcess first = startGateway("first");
        try {
            forwarder.cut(); // the database is gone from here on: events can only wait in the spool
            Load spooled = new Load(first, "spooled", 2);
            spooled.runUntil(300);
            assertThat(spooled.failures()).isZero();
            awaitQueueDrained(first); // every answered request's event is in the spool now, none delivered
            assertThat(storedWithPrefix("spooled-")).isZero();

            // More load while it dies: some of these events are in the in-memory queue at the kill.
            Load inflight = new Load(first, "inflight", 2);
            inflight.startInBackground();
            inflight.awaitAnswered(100);
            first.kill9();
            inflight.stop();
        } finally {
            first.close();
        }
        forwarder.restore();
        GatewayProcess second = startGateway("second");
        try {
            awaitDelivered(second);
            Map<String, Integer> stored = storedRequestIds();
            List<String> spooledIds = stored.keySet().stream().filter(id -> id.startsWith("spooled-")).toList();
            assertThat(spooledIds).as("every event that was in the spool at the kill").hasSize(300);
            assertThat(stored.values()).as("each event stored once").allMatch(n -> n == 1);
            assertChainIntact(1);
        } finally {
            second.close();
        }
    }

    @Test
    void postgresCutAndKilledMidLoadThenGatewayKilledMidDeliveryEveryEventArrivesOnceInOrder() throws Exception {
        GatewayProcess first = startGateway("first");
        Load load = new Load(first, "load", 3);
        java.util.Set<String> spooledBeforeKill;
        try {
            load.startInBackground();
            load.awaitAnswered(200);
            forwarder.cut(); // the database connection dies mid-load, and stays down for a while
            load.awaitAnswered(load.answeredCount() + 200);
            assertThat(sinkHealthy(first)).as("the sink notices the outage").isFalse();
            forwarder.restore();
            load.awaitAnswered(load.answeredCount() + 200);
            int killed = terminateOurBackends(); // the server side kills the sessions this time
            load.awaitAnswered(load.answeredCount() + 200);
            awaitSinkHealthy(first);
            load.awaitAnswered(load.answeredCount() + 200);
            // Everything answered up to here is in the spool once the queue has been seen empty (the loss window is
            // the in-memory queue, about a millisecond); the load goes on meanwhile.
            spooledBeforeKill = java.util.Set.copyOf(load.answered.keySet());
            awaitQueueDrained(first);
            first.kill9(); // mid-load and mid-delivery: a batch may be stored but its offset not committed
            load.stop();
            System.out.println("terminated backends: " + killed + ", answered: " + load.answeredCount());
        } finally {
            first.close();
        }
        GatewayProcess second = startGateway("second");
        try {
            awaitDelivered(second);
            Map<String, Integer> stored = storedRequestIds();
            assertThat(stored.values()).as("each event stored once").allMatch(n -> n == 1);
            // Every event that was in the spool at the kill is stored.
            assertThat(spooledBeforeKill).hasSizeGreaterThanOrEqualTo(1_000);
            assertThat(spooledBeforeKill).allMatch(stored::containsKey);
            assertChainIntact(1);
        } finally {
            second.close();
        }
    }

    // ---- checks ---------------------------------------------------------------------------------

    /** Seqs 1..n with no gap per chain, stored in chain order (transaction ids never go backwards), verify passes. */
    void assertChainIntact(int chains) throws Exception {
        try (Connection c = DriverManager.getConnection(directUrl());
             PreparedStatement ps = c.prepareStatement("SELECT chain, seq, xmin::text::bigint FROM audit_events ORDER BY chain, seq");
             ResultSet rs = ps.executeQuery()) {
            Map<String, long[]> last = new HashMap<>(); // chain -> {seq, xmin}
            while (rs.next()) {
                String chain = rs.getString(1);
                long seq = rs.getLong(2);
                long xmin = rs.getLong(3);
                long[] prev = last.get(chain);
                assertThat(seq).as("position after " + (prev == null ? 0 : prev[0]) + " in " + chain).isEqualTo(prev == null ? 1 : prev[0] + 1);
                if (prev != null) {
                    assertThat(xmin).as("stored in order at " + chain + "#" + seq).isGreaterThanOrEqualTo(prev[1]);
                }
                last.put(chain, new long[]{seq, xmin});
            }
            assertThat(last).hasSize(chains);
        }
        try (JdbcAuditStore store = JdbcAuditStore.open(directUrl())) {
            AuditVerifier.Result r = new AuditVerifier(AuditConfig.parseKey(SEAL_KEY)).verify(store);
            assertThat(r.firstBroken()).as(String.valueOf(r.firstBroken())).isNull();
            assertThat(r.ok()).isTrue();
        }
    }

    int storedWithPrefix(String prefix) throws Exception {
        try (Connection c = DriverManager.getConnection(directUrl());
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM audit_events WHERE request_id LIKE ?")) {
            ps.setString(1, prefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            return 0; // no table yet
        }
    }

    Map<String, Integer> storedRequestIds() throws Exception {
        Map<String, Integer> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(directUrl());
             PreparedStatement ps = c.prepareStatement("SELECT request_id, count(*) FROM audit_events GROUP BY request_id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getInt(2));
            }
        }
        return out;
    }

    int terminateOurBackends() throws Exception {
        try (Connection c = DriverManager.getConnection(baseUrl);
             PreparedStatement ps = c.prepareStatement(
                     "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = ?")) {
            ps.setString(1, appName);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    // ---- the gateway's /health ------------------------------------------------------------------

    JsonNode audit(GatewayProcess gw) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port() + "/health"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body()).path("checks").path("audit");
    }

    boolean sinkHealthy(GatewayProcess gw) throws Exception {
        return audit(gw).path("sinks").get(0).path("healthy").asBoolean();
    }

    void awaitSinkHealthy(GatewayProcess gw) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!sinkHealthy(gw)) {
            assertThat(System.nanoTime()).as("sink healthy again").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    void awaitQueueDrained(GatewayProcess gw) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int quiet = 0;
        while (quiet < 3) {
            assertThat(System.nanoTime()).as("audit queue drained").isLessThan(deadline);
            quiet = audit(gw).path("queue_depth").asInt() == 0 ? quiet + 1 : 0;
            Thread.sleep(50);
        }
    }

    /** Until the sink has delivered everything in the spool (lag 0 twice in a row, queue empty). */
    void awaitDelivered(GatewayProcess gw) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        int quiet = 0;
        while (quiet < 2) {
            assertThat(System.nanoTime()).as("sink caught up").isLessThan(deadline);
            JsonNode a = audit(gw);
            JsonNode sink = a.path("sinks").get(0);
            boolean done = a.path("queue_depth").asInt() == 0 && sink.path("lag").asLong() == 0 && sink.path("healthy").asBoolean();
            quiet = done ? quiet + 1 : 0;
            Thread.sleep(100);
        }
    }

    // ---- load -----------------------------------------------------------------------------------

    /**
     * Clients sending {@code GET /protected/ping} with their own request ids (every other one without a token: a
     * 401, audited as a denial). Remembers when each was answered.
     */
    final class Load {
        final GatewayProcess gw;
        final String prefix;
        final int threads;
        final Map<String, Long> answered = new ConcurrentHashMap<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> workers = new ArrayList<>();
        volatile int failures;

        Load(GatewayProcess gw, String prefix, int threads) {
            this.gw = gw;
            this.prefix = prefix;
            this.threads = threads;
        }

        void startInBackground() {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                workers.add(Thread.ofPlatform().daemon().start(() -> loop(thread, Integer.MAX_VALUE)));
            }
        }

        /** Sends until {@code total} requests were answered (spread over the threads), then returns. */
        void runUntil(int total) throws InterruptedException {
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                int share = total / threads + (t < total % threads ? 1 : 0);
                ts.add(Thread.ofPlatform().daemon().start(() -> loop(thread, share)));
            }
            for (Thread t : ts) {
                t.join(TimeUnit.SECONDS.toMillis(120));
            }
        }

        private void loop(int thread, int count) {
            for (int i = 0; i < count && !stop.get(); i++) {
                String id = prefix + "-" + thread + "-" + i;
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port() + "/protected/ping"))
                        .timeout(Duration.ofSeconds(10)).header("X-Request-Id", id);
                if (i % 2 == 0) {
                    b.header("Authorization", "Bearer " + gw.token());
                }
                try {
                    HttpResponse<Void> r = http.send(b.build(), HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200 || r.statusCode() == 401) {
                        answered.put(id, System.nanoTime());
                    } else {
                        failures++;
                    }
                } catch (Exception e) {
                    return; // the gateway was killed
                }
            }
        }

        void awaitAnswered(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (answered.size() < n) {
                assertThat(System.nanoTime()).as(n + " answered").isLessThan(deadline);
                Thread.sleep(10);
            }
        }

        int answeredCount() {
            return answered.size();
        }

        int failures() {
            return failures;
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread t : workers) {
                t.join(TimeUnit.SECONDS.toMillis(20));
            }
        }
    }
}
