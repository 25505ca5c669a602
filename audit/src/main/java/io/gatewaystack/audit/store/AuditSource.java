package io.gatewaystack.audit.store;

import io.gatewaystack.audit.Seal;
import java.util.List;
import java.util.Map;

/** A place audit events can be read back from, for verification and reports. */
public interface AuditSource extends AutoCloseable {

    /**
     * One stored event as it is in the store.
     *
     * @param json    the stored event JSON (authoritative)
     * @param hash    the stored hash column (files: the hash inside the JSON)
     * @param columns the store's copies of event fields (column name → value), or null where there are none
     */
    record Row(String json, String hash, Map<String, Object> columns) {
    }

    interface RowConsumer {
        void accept(Row row) throws Exception;
    }

    /** Every event at or after {@code sinceMillis}, ordered by chain then position (a file: file order). */
    void forEachRow(long sinceMillis, RowConsumer consumer) throws Exception;

    /**
     * The event as a report should see it: an encrypted {@code sub} decrypted when the source holds the data key
     * and the user's key still exists; otherwise unchanged ({@code sub} null). Never used by verification.
     */
    default io.gatewaystack.audit.AuditEvent reveal(io.gatewaystack.audit.AuditEvent event) {
        return event;
    }

    /** Every seal. */
    List<Seal> seals() throws Exception;

    /** A label for messages (path or JDBC URL without credentials). */
    String describe();

    @Override
    default void close() {
    }

    /**
     * Opens a store named on the command line: a JDBC URL ({@code jdbc:postgresql:...}, {@code jdbc:sqlite:...}),
     * a SQLite file, or a JSON-lines file.
     */
    static AuditSource open(String store) throws Exception {
        if (store.startsWith("jdbc:")) {
            return JdbcAuditStore.open(store);
        }
        java.nio.file.Path p = java.nio.file.Path.of(store);
        if (!java.nio.file.Files.isRegularFile(p)) {
            throw new java.io.FileNotFoundException("no audit store at " + store);
        }
        byte[] head = new byte[16];
        int n;
        try (var in = java.nio.file.Files.newInputStream(p)) {
            n = in.readNBytes(head, 0, 16);
        }
        if (n == 16 && new String(head, 0, 15, java.nio.charset.StandardCharsets.US_ASCII).equals("SQLite format 3")) {
            return JdbcAuditStore.open("jdbc:sqlite:" + p.toAbsolutePath());
        }
        return new JsonLinesSource(p);
    }
}
