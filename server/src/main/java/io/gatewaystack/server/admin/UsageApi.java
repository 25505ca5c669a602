package io.gatewaystack.server.admin;

import io.gatewaystack.audit.Seal;
import io.gatewaystack.audit.UsageReport;
import io.gatewaystack.audit.store.AuditSearch;
import io.gatewaystack.audit.store.AuditSource;
import io.gatewaystack.audit.store.JdbcAuditStore;
import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.RequestContext;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code /admin/api/usage}: the {@code gatewaystack usage} report (same code, same output formats: the CLI's
 * {@code --gateway} mode prints this endpoint's table or CSV as is), and {@code /admin/api/usage/series}: cost,
 * requests and tokens per time bucket for the top keys of a grouping, for the charts.
 */
final class UsageApi {

    /** Series show this many keys; the rest are summed as "(other)". */
    static final int TOP_KEYS = 8;

    private final JdbcAuditStore store;
    private final Replies replies;

    UsageApi(JdbcAuditStore store, Replies replies) {
        this.store = store;
        this.replies = replies;
    }

    void report(HttpServerRequest request, RequestContext ctx, Viewer viewer) {
        Instant now = Instant.now();
        UsageReport.By by;
        try {
            by = UsageReport.By.parse(Params.text(request, "by") == null ? "org" : Params.text(request, "by"));
        } catch (IllegalArgumentException e) {
            replies.error(request, ctx, ErrorCode.INVALID_REQUEST, "by must be user, org, tenant, model, tool or day.");
            return;
        }
        Long sinceParam = Params.time(request, "since", now);
        long since = sinceParam == null ? now.minus(Duration.ofDays(7)).toEpochMilli() : sinceParam;
        String format = Params.text(request, "format") == null ? "json" : Params.text(request, "format");
        if (!List.of("json", "table", "csv").contains(format)) {
            replies.error(request, ctx, ErrorCode.INVALID_REQUEST, "format must be json, table or csv.");
            return;
        }
        AuditSource source = viewer.global() ? store : new TenantSource(store, viewer.tenant());
        replies.offLoop(request, ctx, () -> UsageReport.compute(source, by, since), report -> {
            String body = switch (format) {
                case "table" -> UsageReport.toTable(report);
                case "csv" -> UsageReport.toCsv(report);
                default -> UsageReport.toJson(report);
            };
            request.response()
                    .putHeader("Content-Type", switch (format) {
                        case "table" -> "text/plain; charset=utf-8";
                        case "csv" -> "text/csv; charset=utf-8";
                        default -> "application/json";
                    })
                    .putHeader("Cache-Control", "no-store")
                    .end(body);
        });
    }

    void series(HttpServerRequest request, RequestContext ctx, Viewer viewer) {
        Instant now = Instant.now();
        AuditSearch.Group group;
        try {
            group = AuditSearch.Group.parse(Params.text(request, "by") == null ? "org" : Params.text(request, "by"));
        } catch (IllegalArgumentException e) {
            replies.error(request, ctx, ErrorCode.INVALID_REQUEST, "by must be user, org, tenant, model, tool or route.");
            return;
        }
        AuditSearch.Filter requested = Params.filter(request, viewer, now);
        long from = requested.fromMillis() != null ? requested.fromMillis() : now.minus(Duration.ofHours(24)).toEpochMilli();
        long to = requested.toMillis() != null ? requested.toMillis() : now.toEpochMilli();
        if (to <= from) {
            replies.error(request, ctx, ErrorCode.INVALID_REQUEST, "to must be after from.");
            return;
        }
        long bucket = bucketFor(to - from);
        AuditSearch.Filter filter = new AuditSearch.Filter(requested.sub(), requested.org(), requested.tenant(),
                requested.route(), requested.model(), requested.tool(), requested.decision(), requested.rule(),
                requested.status(), requested.errorCode(), from, to, false);
        replies.offLoop(request, ctx, () -> store.search().series(filter, group, bucket),
                points -> Replies.json(request, 200, shape(points, from, to, bucket)));
    }

    /** About 24 to 200 buckets whatever the range: minute, 5 minutes, hour, 6 hours or day. */
    static long bucketFor(long rangeMillis) {
        long[] sizes = {60_000, 300_000, 3_600_000, 21_600_000, 86_400_000};
        for (long s : sizes) {
            if (rangeMillis / s <= 200) {
                return s;
            }
        }
        return 86_400_000L * Math.max(1, rangeMillis / 86_400_000 / 200 + 1);
    }

    /** Columns for the chart: bucket times, then per top key an array of values aligned with them. */
    static Map<String, Object> shape(List<AuditSearch.Point> points, long from, long to, long bucket) {
        Map<String, long[]> totals = new HashMap<>(); // key → {cost, requests}
        for (AuditSearch.Point p : points) {
            String k = p.key() == null ? UsageReport.NONE : p.key();
            long[] t = totals.computeIfAbsent(k, x -> new long[2]);
            t[0] += p.costMicros();
            t[1] += p.requests();
        }
        List<String> keys = new ArrayList<>(totals.keySet());
        keys.sort(Comparator.<String>comparingLong(k -> -totals.get(k)[0]).thenComparingLong(k -> -totals.get(k)[1])
                .thenComparing(Comparator.naturalOrder()));
        List<String> top = new ArrayList<>(keys.subList(0, Math.min(TOP_KEYS, keys.size())));
        boolean other = keys.size() > TOP_KEYS;
        if (other) {
            top.add("(other)");
        }
        long first = (from / bucket) * bucket;
        int n = (int) ((to - first + bucket - 1) / bucket);
        List<Long> times = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            times.add((first + i * bucket) / 1000);
        }
        Map<String, double[]> cost = new LinkedHashMap<>();
        Map<String, long[]> requests = new LinkedHashMap<>();
        Map<String, long[]> tokens = new LinkedHashMap<>();
        for (String k : top) {
            cost.put(k, new double[n]);
            requests.put(k, new long[n]);
            tokens.put(k, new long[n]);
        }
        TreeSet<String> topSet = new TreeSet<>(top);
        for (AuditSearch.Point p : points) {
            String k = p.key() == null ? UsageReport.NONE : p.key();
            String into = topSet.contains(k) ? k : "(other)";
            int i = (int) ((p.bucketMillis() - first) / bucket);
            if (i < 0 || i >= n || !cost.containsKey(into)) {
                continue;
            }
            cost.get(into)[i] += p.costMicros() / 1_000_000.0;
            requests.get(into)[i] += p.requests();
            tokens.get(into)[i] += p.inputTokens() + p.outputTokens();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("bucket_seconds", bucket / 1000);
        body.put("t", times);
        body.put("keys", top);
        body.put("cost", cost);
        body.put("requests", requests);
        body.put("tokens", tokens);
        return body;
    }

    /** The store as seen by a tenant admin: only that tenant's events (by the store's tenant column). */
    private record TenantSource(AuditSource store, String tenant) implements AuditSource {
        @Override
        public void forEachRow(long sinceMillis, RowConsumer consumer) throws Exception {
            store.forEachRow(sinceMillis, row -> {
                if (row.columns() != null && tenant.equals(row.columns().get("tenant"))) {
                    consumer.accept(row);
                }
            });
        }

        @Override
        public List<Seal> seals() {
            return List.of();
        }

        @Override
        public String describe() {
            return store.describe() + " (tenant " + tenant + ")";
        }
    }
}
