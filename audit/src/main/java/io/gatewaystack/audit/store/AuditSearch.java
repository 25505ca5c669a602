package io.gatewaystack.audit.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Indexed reads of the audit store for operators (the admin API): filtered, paged event search, one event by id,
 * and usage time series. They use the store's column copies of event fields (the same SQL on SQLite and
 * PostgreSQL); {@code audit verify} checks those copies against the hash-chained JSON. Blocking JDBC: call it from
 * a worker thread.
 */
public final class AuditSearch {

    /** The most rows one page or one export may hold. */
    public static final int MAX_PAGE = 1_000;

    /**
     * What to look for; every field optional (null = any). Text fields match exactly.
     *
     * @param status      an HTTP status ({@code 403}) or a class ({@code 4xx})
     * @param shadowOnly  only events where a shadow policy disagreed with the live one
     */
    public record Filter(String sub, String org, String tenant, String route, String model, String tool,
                         String decision, String rule, String status, String errorCode, Long fromMillis,
                         Long toMillis, boolean shadowOnly) {

        public static Filter any() {
            return new Filter(null, null, null, null, null, null, null, null, null, null, null, null, false);
        }

        /** The same filter restricted to one tenant (a tenant admin's view); null keeps it unrestricted. */
        public Filter withTenant(String only) {
            return only == null ? this : new Filter(sub, org, only, route, model, tool, decision, rule, status,
                    errorCode, fromMillis, toMillis, shadowOnly);
        }
    }

    /** One event of a result page: the column copies plus the stored JSON. */
    public record Hit(String eventId, long timeMillis, String json) {
    }

    /**
     * One page, newest first.
     *
     * @param next the cursor for the next (older) page, or null when this was the last
     */
    public record Page(List<Hit> hits, String next) {
    }

    /** A grouping for series. */
    public enum Group {
        USER("sub"), ORG("org"), TENANT("tenant"), MODEL("model"), TOOL("tool"), ROUTE("route");

        final String column;

        Group(String column) {
            this.column = column;
        }

        public static Group parse(String s) {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** One (bucket, key) cell of a series. */
    public record Point(long bucketMillis, String key, long requests, long denied, long errors, long inputTokens,
                       long outputTokens, long costMicros) {
    }

    private final DataSource ds;

    AuditSearch(DataSource ds) {
        this.ds = Objects.requireNonNull(ds, "ds");
    }

    /**
     * Events matching the filter, newest first, at most {@code limit} ({@code 1..}{@value #MAX_PAGE}).
     *
     * @param cursor null for the first page, else a {@link Page#next()} value
     * @throws IllegalArgumentException for a malformed cursor or status
     */
    public Page search(Filter filter, int limit, String cursor) throws SQLException {
        int n = Math.max(1, Math.min(MAX_PAGE, limit));
        List<Object> args = new ArrayList<>();
        StringBuilder where = where(filter, args);
        if (cursor != null && !cursor.isBlank()) {
            int colon = cursor.indexOf(':');
            long t;
            try {
                t = Long.parseLong(cursor.substring(0, Math.max(0, colon)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("malformed cursor");
            }
            String id = cursor.substring(colon + 1);
            // keyset paging: (time, id) strictly older than the last row shown
            where.append(where.isEmpty() ? " WHERE " : " AND ").append("(time_ms < ? OR (time_ms = ? AND event_id < ?))");
            args.add(t);
            args.add(t);
            args.add(id);
        }
        String sql = "SELECT event_id, time_ms, event_json FROM audit_events" + where
                + " ORDER BY time_ms DESC, event_id DESC LIMIT " + (n + 1);
        List<Hit> hits = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    hits.add(new Hit(rs.getString(1), rs.getLong(2), rs.getString(3)));
                }
            }
        }
        String next = null;
        if (hits.size() > n) {
            hits = hits.subList(0, n);
            Hit last = hits.getLast();
            next = last.timeMillis() + ":" + last.eventId();
        }
        return new Page(List.copyOf(hits), next);
    }

    /** The stored JSON of one event, or null when there is none (or it belongs to another tenant than {@code tenant}). */
    public String event(String eventId, String tenant) throws SQLException {
        String sql = "SELECT event_json FROM audit_events WHERE event_id = ?" + (tenant == null ? "" : " AND tenant = ?");
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, eventId);
            if (tenant != null) {
                ps.setString(2, tenant);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * Totals per time bucket and group key over the filter's time range (integer division of the event time by
     * the bucket: buckets are aligned to the epoch, so UTC hours and days).
     */
    public List<Point> series(Filter filter, Group group, long bucketMillis) throws SQLException {
        if (bucketMillis < 1_000) {
            throw new IllegalArgumentException("bucket must be at least one second");
        }
        List<Object> args = new ArrayList<>();
        StringBuilder where = where(filter, args);
        String sql = "SELECT (time_ms / " + bucketMillis + ") * " + bucketMillis + " AS bucket, " + group.column
                + ", COUNT(*), SUM(CASE WHEN decision = 'deny' THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN decision <> 'deny' AND (error_code IS NOT NULL OR status >= 500) THEN 1 ELSE 0 END),"
                + " COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0), COALESCE(SUM(cost_micros), 0)"
                + " FROM audit_events" + where + " GROUP BY 1, 2 ORDER BY 1, 2";
        List<Point> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Point(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getLong(6), rs.getLong(7), rs.getLong(8)));
                }
            }
        }
        return out;
    }

    /** Distinct values of the filterable columns seen in the range, for the search form's suggestions. */
    public Map<String, List<String>> facets(Filter filter, int perColumn) throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String column : List.of("sub", "org", "model", "tool", "route", "policy_rule")) {
            List<Object> args = new ArrayList<>();
            StringBuilder where = where(filter, args);
            where.append(where.isEmpty() ? " WHERE " : " AND ").append(column).append(" IS NOT NULL");
            String sql = "SELECT " + column + ", COUNT(*) FROM audit_events" + where + " GROUP BY " + column
                    + " ORDER BY 2 DESC, 1 LIMIT " + Math.max(1, Math.min(100, perColumn));
            List<String> values = new ArrayList<>();
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        values.add(rs.getString(1));
                    }
                }
            }
            out.put(column, List.copyOf(values));
        }
        return out;
    }

    private static StringBuilder where(Filter f, List<Object> args) {
        List<String> terms = new ArrayList<>();
        eq(terms, args, "sub", f.sub());
        eq(terms, args, "org", f.org());
        eq(terms, args, "tenant", f.tenant());
        eq(terms, args, "route", f.route());
        eq(terms, args, "model", f.model());
        eq(terms, args, "tool", f.tool());
        eq(terms, args, "decision", f.decision());
        eq(terms, args, "policy_rule", f.rule());
        eq(terms, args, "error_code", f.errorCode());
        if (f.status() != null && !f.status().isBlank()) {
            String s = f.status().trim().toLowerCase(java.util.Locale.ROOT);
            if (s.matches("[1-5]xx")) {
                int base = (s.charAt(0) - '0') * 100;
                terms.add("status >= ? AND status < ?");
                args.add(base);
                args.add(base + 100);
            } else if (s.matches("\\d{3}")) {
                terms.add("status = ?");
                args.add(Integer.parseInt(s));
            } else {
                throw new IllegalArgumentException("status must be a code like 403 or a class like 4xx");
            }
        }
        if (f.fromMillis() != null) {
            terms.add("time_ms >= ?");
            args.add(f.fromMillis());
        }
        if (f.toMillis() != null) {
            terms.add("time_ms < ?");
            args.add(f.toMillis());
        }
        if (f.shadowOnly()) {
            terms.add("event_json LIKE ?"); // written only when a shadow policy disagreed (see AuditEvent)
            args.add("%\"shadow_effect\"%");
        }
        StringBuilder sb = new StringBuilder();
        for (String t : terms) {
            sb.append(sb.isEmpty() ? " WHERE " : " AND ").append(t);
        }
        return sb;
    }

    private static void eq(List<String> terms, List<Object> args, String column, String value) {
        if (value != null && !value.isBlank()) {
            terms.add(column + " = ?");
            args.add(value.trim());
        }
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            ps.setObject(i + 1, args.get(i));
        }
    }
}
