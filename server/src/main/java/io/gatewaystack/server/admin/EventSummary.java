package io.gatewaystack.server.admin;

import io.gatewaystack.audit.AuditEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one-row view of an audit event that the live view, the search results and the CSV export show. */
final class EventSummary {

    /** The columns, in CSV order. */
    static final String[] COLUMNS = {"event_id", "time", "sub", "org", "tenant", "route", "method", "path", "model",
            "tool", "provider", "decision", "status", "error", "rule", "reasons", "latency_ms", "input_tokens",
            "output_tokens", "cost", "shadow_effect"};

    private EventSummary() {
    }

    static Map<String, Object> of(AuditEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event_id", e.eventId());
        m.put("time", Instant.ofEpochMilli(e.time()).toString());
        m.put("sub", e.identity() == null ? null : e.identity().sub());
        m.put("org", e.identity() == null ? null : e.identity().org());
        m.put("tenant", e.identity() == null ? null : e.identity().tenant());
        m.put("route", e.what().route());
        m.put("method", e.what().method());
        m.put("path", e.what().path());
        m.put("model", e.what().model());
        m.put("tool", e.what().tool());
        m.put("provider", e.what().provider());
        m.put("decision", e.outcome().decision());
        m.put("status", e.outcome().status());
        m.put("error", e.outcome().errorCode());
        m.put("rule", e.policy() == null ? null : e.policy().rule());
        m.put("reasons", reasons(e));
        m.put("latency_ms", Math.round(e.latencyMicros() / 10.0) / 100.0);
        m.put("input_tokens", e.usage() == null ? null : e.usage().inputTokens());
        m.put("output_tokens", e.usage() == null ? null : e.usage().outputTokens());
        m.put("cost", e.usage() == null ? null : e.usage().costMicros() / 1_000_000.0);
        m.put("shadow_effect", e.policy() == null ? null : e.policy().shadowEffect());
        return m;
    }

    /** Why the request was denied (policy reasons, else limit reasons), or empty. */
    private static String reasons(AuditEvent e) {
        if (!"deny".equals(e.outcome().decision())) {
            return null;
        }
        if (e.policy() != null && "deny".equals(e.policy().effect())) {
            return String.join("; ", e.policy().reasons());
        }
        if (e.limits() != null && !e.limits().allowed()) {
            return String.join("; ", e.limits().reasons());
        }
        return null;
    }

    /** One CSV line (RFC 4180 quoting) of {@link #of}. */
    static String csvLine(Map<String, Object> row) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < COLUMNS.length; i++) {
            Object v = row.get(COLUMNS[i]);
            String s = v == null ? "" : v.toString();
            if (i > 0) {
                sb.append(',');
            }
            if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
                sb.append('"').append(s.replace("\"", "\"\"")).append('"');
            } else if (!s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0) {
                sb.append('\'').append(s); // no formula injection when the file is opened in a spreadsheet
            } else {
                sb.append(s);
            }
        }
        return sb.append("\r\n").toString();
    }
}
