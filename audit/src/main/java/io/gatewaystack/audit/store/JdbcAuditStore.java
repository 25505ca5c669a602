package io.gatewaystack.audit.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.gatewaystack.audit.AuditEvent;
import io.gatewaystack.audit.AuditSink;
import io.gatewaystack.audit.Seal;
import io.gatewaystack.audit.privacy.SubjectCipher;
import io.gatewaystack.audit.spool.SpoolEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;

/**
 * The audit store in a relational database: SQLite (the embedded default, one file, WAL mode) or PostgreSQL
 * ({@code DATABASE_URL}). One schema for both, migrated by Flyway ({@code db/gatewaystack-audit}) on first use.
 *
 * <p>As a sink it inserts a spool batch in one transaction with JDBC batching, {@code INSERT ... ON CONFLICT DO
 * NOTHING} (both databases), so a batch delivered twice after a crash is stored once. A database that is down
 * makes {@link #write} throw quickly (3 s connection timeout); the pipeline retries from the same offset.
 */
public final class JdbcAuditStore implements AuditSink, AuditSource {

    /** The column copies of event fields, in insert order after event_id, chain, seq. */
    static final List<String> COLUMNS = List.of("time_ms", "request_id", "sub", "org", "tenant", "route", "model",
            "tool", "decision", "status", "error_code", "policy_rule", "input_tokens", "output_tokens", "cost_micros",
            "prev_hash", "hash", "sub_key");

    private static final String INSERT_EVENT = "INSERT INTO audit_events (event_id, chain, seq, "
            + String.join(", ", COLUMNS) + ", event_json) VALUES (?, ?, ?, " + "?, ".repeat(COLUMNS.size())
            + "?) ON CONFLICT DO NOTHING";
    private static final String INSERT_SEAL = "INSERT INTO audit_seals (chain, seq, head_hash, time_ms, key_id, alg, seal_json)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";

    private static final String INSERT_KEY = "INSERT INTO audit_subject_keys (key_id, subject_ref, wrapped_key, created_ms)"
            + " SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM audit_erasures WHERE subject_ref = ? AND erased_ms >= ?)"
            + " ON CONFLICT DO NOTHING";

    private final String name;
    private final String url;
    private volatile SubjectCipher cipher; // reading encrypted subs; null: shown as unreadable
    /** Data keys read back, briefly: an erasure by another process is seen within {@link #KEY_CACHE_MILLIS}. */
    private final java.util.concurrent.ConcurrentHashMap<String, CachedKey> keys = new java.util.concurrent.ConcurrentHashMap<>();
    private static final long KEY_CACHE_MILLIS = 60_000;

    private record CachedKey(javax.crypto.SecretKey key, long readAtMillis) {
    }
    private final boolean sqlite;
    private final HikariDataSource ds;
    private volatile boolean migrated;

    private JdbcAuditStore(String name, String url) {
        this.name = name;
        this.url = url;
        this.sqlite = url.startsWith("jdbc:sqlite:");
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setPoolName("audit-" + name);
        hc.setConnectionTimeout(3_000);
        hc.setValidationTimeout(2_000);
        hc.setInitializationFailTimeout(-1); // start even when the database is down; writes retry
        hc.setAutoCommit(true);
        if (sqlite) {
            hc.setMaximumPoolSize(2);
            hc.addDataSourceProperty("journal_mode", "WAL");
            hc.addDataSourceProperty("synchronous", "NORMAL");
            hc.addDataSourceProperty("busy_timeout", "10000");
        } else {
            hc.setMaximumPoolSize(4);
            hc.addDataSourceProperty("reWriteBatchedInserts", "true");
            hc.addDataSourceProperty("connectTimeout", "3");
            hc.addDataSourceProperty("socketTimeout", "30");
        }
        this.ds = new HikariDataSource(hc);
    }

    /** A store at a JDBC URL ({@code jdbc:sqlite:FILE} or {@code jdbc:postgresql:...}). */
    public static JdbcAuditStore open(String jdbcUrl) {
        return open(jdbcUrl.startsWith("jdbc:sqlite:") ? "sqlite" : "postgresql", jdbcUrl);
    }

    /** The same, with a sink name (the name its spool offset is kept under). */
    public static JdbcAuditStore open(String sinkName, String jdbcUrl) {
        return new JdbcAuditStore(sinkName, jdbcUrl);
    }

    /** An embedded SQLite store in a file. */
    public static JdbcAuditStore sqlite(java.nio.file.Path file) {
        return open("sqlite", "jdbc:sqlite:" + file.toAbsolutePath());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    /** Filtered, paged reads and time series over this store (the admin API); blocking JDBC. */
    public AuditSearch search() {
        migrate();
        return new AuditSearch(ds);
    }

    /** Runs the Flyway migrations (idempotent). Called on first use. */
    public synchronized void migrate() {
        if (migrated) {
            return;
        }
        Flyway flyway = Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/gatewaystack-audit")
                .table("gatewaystack_audit_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load();
        // Replicas starting at once against an empty database race to create the history table (Flyway's lock
        // covers the migrations, not the table's creation): the loser fails, and a second attempt finds the table
        // and waits on the lock like everyone else.
        for (int attempt = 1; ; attempt++) {
            try {
                flyway.migrate();
                break;
            } catch (RuntimeException e) {
                if (attempt == MIGRATE_ATTEMPTS || unreachable(e)) {
                    throw e; // an unreachable database is not a race: fail now, the caller retries later
                }
                try {
                    Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(100, 400) * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
        migrated = true;
    }

    private static final int MIGRATE_ATTEMPTS = 5;

    /** True when the failure is about reaching the database (SQLSTATE class 08, refused, pool timeout). */
    private static boolean unreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void write(List<SpoolEntry> batch) throws SQLException {
        migrate();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ev = c.prepareStatement(INSERT_EVENT); PreparedStatement se = c.prepareStatement(INSERT_SEAL);
                 PreparedStatement ke = c.prepareStatement(INSERT_KEY)) {
                int events = 0;
                int seals = 0;
                int keyRecords = 0;
                for (SpoolEntry entry : batch) {
                    if (entry.isKey()) {
                        SubjectCipher.KeyRecord k = SubjectCipher.KeyRecord.fromJson(entry.json());
                        ke.setString(1, k.keyId());
                        ke.setString(2, k.subjectRef());
                        ke.setString(3, k.wrappedKey());
                        ke.setLong(4, k.createdMillis());
                        ke.setString(5, k.subjectRef());
                        ke.setLong(6, k.createdMillis());
                        ke.addBatch();
                        keyRecords++;
                    } else if (entry.isEvent()) {
                        AuditEvent e = entry.event();
                        ev.setString(1, e.eventId());
                        ev.setString(2, e.instance());
                        ev.setLong(3, e.seq());
                        int i = 4;
                        for (Object v : columns(e).values()) {
                            ev.setObject(i++, v);
                        }
                        ev.setString(i, entry.json());
                        ev.addBatch();
                        events++;
                    } else {
                        Seal s = entry.seal();
                        se.setString(1, s.instance());
                        se.setLong(2, s.seq());
                        se.setString(3, s.headHash());
                        se.setLong(4, s.time());
                        se.setString(5, s.keyId());
                        se.setString(6, Seal.ALG);
                        se.setString(7, entry.json());
                        se.addBatch();
                        seals++;
                    }
                }
                if (keyRecords > 0) {
                    ke.executeBatch(); // first: same transaction as the events they decrypt
                }
                if (events > 0) {
                    ev.executeBatch();
                }
                if (seals > 0) {
                    se.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is broken; the pool discards it
                }
                throw e;
            }
        }
    }

    /** The column copies of an event's fields (same order as {@link #COLUMNS}). */
    static Map<String, Object> columns(AuditEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time_ms", e.time());
        m.put("request_id", e.requestId());
        m.put("sub", e.identity() == null ? null : e.identity().sub());
        m.put("org", e.identity() == null ? null : e.identity().org());
        m.put("tenant", e.identity() == null ? null : e.identity().tenant());
        m.put("route", e.what().route());
        m.put("model", e.what().model());
        m.put("tool", e.what().tool());
        m.put("decision", e.outcome().decision());
        m.put("status", e.outcome().status());
        m.put("error_code", e.outcome().errorCode());
        m.put("policy_rule", e.policy() == null ? null : e.policy().rule());
        m.put("input_tokens", e.usage() == null ? null : e.usage().inputTokens());
        m.put("output_tokens", e.usage() == null ? null : e.usage().outputTokens());
        m.put("cost_micros", e.usage() == null ? null : e.usage().costMicros());
        m.put("prev_hash", e.prevHash());
        m.put("hash", e.hash());
        m.put("sub_key", e.identity() == null ? null : SubjectCipher.keyIdOf(e.identity().subEnc()));
        return m;
    }

    @Override
    public void forEachRow(long sinceMillis, RowConsumer consumer) throws Exception {
        migrate();
        try (Connection c = ds.getConnection()) {
            if (!sqlite) {
                c.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT event_id, chain, seq, " + String.join(", ", COLUMNS)
                    + ", event_json FROM audit_events WHERE time_ms >= ? ORDER BY chain, seq")) {
                ps.setFetchSize(2_000);
                ps.setLong(1, sinceMillis);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Object> cols = new LinkedHashMap<>();
                        cols.put("event_id", rs.getString(1));
                        cols.put("chain", rs.getString(2));
                        cols.put("seq", rs.getLong(3));
                        int i = 4;
                        for (String col : COLUMNS) {
                            cols.put(col, rs.getObject(i++));
                        }
                        consumer.accept(new Row(rs.getString(i), rs.getString("hash"), cols));
                    }
                }
            } finally {
                if (!sqlite) {
                    c.rollback();
                }
            }
        }
    }

    @Override
    public List<Seal> seals() throws SQLException {
        migrate();
        List<Seal> out = new ArrayList<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT seal_json FROM audit_seals ORDER BY chain, seq");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(Seal.fromJson(rs.getString(1)));
            }
        }
        return out;
    }

    /** Number of stored events (for tests and health). */
    public long countEvents() throws SQLException {
        migrate();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM audit_events");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Runs one statement (tests: tamper with rows). */
    public int execute(String sql) throws SQLException {
        migrate();
        try (Connection c = ds.getConnection(); var st = c.createStatement()) {
            return st.executeUpdate(sql);
        }
    }

    /**
     * Reads encrypted {@code sub}s with this master key ({@code GATEWAYSTACK_AUDIT_DATA_KEY}): reports and
     * {@code /v1/usage/me} then see users, except erased ones.
     */
    public JdbcAuditStore withDataKey(byte[] masterKey) {
        this.cipher = masterKey == null ? null : new SubjectCipher(masterKey);
        keys.clear();
        return this;
    }

    @Override
    public AuditEvent reveal(AuditEvent e) {
        AuditEvent.Actor id = e.identity();
        if (id == null || id.subEnc() == null || id.sub() != null) {
            return e;
        }
        SubjectCipher c = cipher;
        String keyId = SubjectCipher.keyIdOf(id.subEnc());
        if (c == null || keyId == null) {
            return e;
        }
        long now = System.currentTimeMillis();
        CachedKey k = keys.get(keyId);
        if (k == null || now - k.readAtMillis() > KEY_CACHE_MILLIS) {
            k = new CachedKey(readKey(c, keyId), now);
            if (keys.size() > 10_000) {
                keys.clear();
            }
            keys.put(keyId, k);
        }
        String sub = SubjectCipher.open(id.subEnc(), e.eventId(), k.key());
        return sub == null ? e : e.withIdentity(id.revealed(sub));
    }

    private javax.crypto.SecretKey readKey(SubjectCipher c, String keyId) {
        try (Connection conn = ds.getConnection();
             PreparedStatement ps = conn.prepareStatement("SELECT wrapped_key FROM audit_subject_keys WHERE key_id = ?")) {
            ps.setString(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? c.unwrap(keyId, rs.getString(1)) : null;
            }
        } catch (SQLException ex) {
            throw new IllegalStateException("cannot read audit data keys: " + ex.getMessage(), ex);
        }
    }

    /**
     * GDPR erasure (crypto-shredding) of the user named by {@code subjectRef} ({@link SubjectCipher#subjectRef}):
     * deletes every data key of theirs and records the erasure, so a key of theirs created before now that is
     * still in some gateway's spool is not stored when it arrives. Their events stay, chain intact, with an
     * unreadable {@code sub}. Returns how many keys were deleted.
     */
    public int eraseSubject(String subjectRef, long nowMillis) throws SQLException {
        migrate();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement up = c.prepareStatement("INSERT INTO audit_erasures (subject_ref, erased_ms) VALUES (?, ?)"
                    + " ON CONFLICT (subject_ref) DO UPDATE SET erased_ms = excluded.erased_ms");
                 PreparedStatement del = c.prepareStatement("DELETE FROM audit_subject_keys WHERE subject_ref = ?")) {
                up.setString(1, subjectRef);
                up.setLong(2, nowMillis);
                up.executeUpdate();
                del.setString(1, subjectRef);
                int n = del.executeUpdate();
                c.commit();
                keys.clear();
                return n;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** How many data keys the user named by {@code subjectRef} has (0 after an erasure). */
    public int countSubjectKeys(String subjectRef) throws SQLException {
        migrate();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM audit_subject_keys WHERE subject_ref = ?")) {
            ps.setString(1, subjectRef);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Override
    public void close() {
        ds.close();
    }
}
