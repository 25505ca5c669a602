package io.gatewaystack.audit.store;

import io.gatewaystack.audit.AuditEvent;
import java.util.Map;

/** The column copies the JDBC store keeps of an event's fields; the verifier checks them against the event. */
public final class JdbcAuditStoreColumns {
    private JdbcAuditStoreColumns() {
    }

    public static Map<String, Object> of(AuditEvent e) {
        return JdbcAuditStore.columns(e);
    }
}
