package io.gatewaystack.server.admin;

import io.gatewaystack.audit.AuditEvent;
import io.gatewaystack.audit.AuditVerifier;
import io.gatewaystack.audit.store.AuditSearch;
import io.gatewaystack.audit.store.JdbcAuditStore;
import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.server.http.JsonBodies;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code /admin/api/audit/...}: search the audit trail (filters, keyset paging), one event with its whole decision
 * trail, export (CSV or JSON lines) and the hash chain's verification. A tenant admin's filter is pinned to their
 * tenant, and an event of another tenant is "not found".
 */
final class AuditApi {

    /** An export holds at most this many events; the response says when it stopped short. */
    static final int EXPORT_MAX = 10_000;

    private final JdbcAuditStore store;
    private final byte[] sealKey;
    private final Replies replies;
    private final AtomicBoolean verifying = new AtomicBoolean();
    private volatile Map<String, Object> lastVerification;

    AuditApi(JdbcAuditStore store, byte[] sealKey, Replies replies) {
        this.store = store;
        this.sealKey = sealKey;
        this.replies = replies;
    }

    void search(HttpServerRequest request, RequestContext ctx, Viewer viewer) {
        Instant now = Instant.now();
        AuditSearch.Filter filter = Params.filter(request, viewer, now);
        int limit = Params.integer(request, "limit", 50, 1, AuditSearch.MAX_PAGE);
        String cursor = Params.text(request, "cursor");
        replies.offLoop(request, ctx, () -> store.search().search(filter, limit, cursor), page -> {
            List<Map<String, Object>> rows = new ArrayList<>(page.hits().size());
            for (AuditSearch.Hit hit : page.hits()) {
                rows.add(EventSummary.of(AuditEvent.fromJson(hit.json())));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("events", rows);
            body.put("next", page.next());
            Replies.json(request, 200, body);
        });
    }

    void facets(HttpServerRequest request, RequestContext ctx, Viewer viewer) {
        AuditSearch.Filter filter = Params.filter(request, viewer, Instant.now());
        replies.offLoop(request, ctx, () -> store.search().facets(filter, 25), facets -> Replies.json(request, 200, facets));
    }

    void event(HttpServerRequest request, RequestContext ctx, Viewer viewer, String eventId) {
        if (!eventId.matches("[0-9a-fA-F-]{1,36}")) {
            replies.error(request, ctx, ErrorCode.INVALID_REQUEST, "An event id is a UUID.");
            return;
        }
        replies.offLoop(request, ctx, () -> store.search().event(eventId, viewer.tenant()), json -> {
            if (json == null) {
                replies.error(request, ctx, ErrorCode.NOT_FOUND, "No such audit event.");
                return;
            }
            AuditEvent e = AuditEvent.fromJson(json);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("summary", EventSummary.of(e));
            body.put("hash_matches", e.computeHash().equals(e.hash())); // this record alone; the chain: verify
            body.put("event", JsonBodies.MAPPER.readTree(json));
            Replies.json(request, 200, body);
        });
    }

    void export(HttpServerRequest request, RequestContext ctx, Viewer viewer) {
        String format = Params.text(request, "format");
        boolean csv = format == null || format.equals("csv");
        if (!csv && !format.equals("json")) {
            replies.error(request, ctx, ErrorCode.INVALID_REQUEST, "format must be csv or json.");
            return;
        }
        AuditSearch.Filter filter = Params.filter(request, viewer, Instant.now());
        replies.offLoop(request, ctx, () -> {
            StringBuilder out = new StringBuilder(csv ? String.join(",", EventSummary.COLUMNS) + "\r\n" : "");
            AuditSearch search = store.search();
            String cursor = null;
            int n = 0;
            boolean more;
            do {
                AuditSearch.Page page = search.search(filter, AuditSearch.MAX_PAGE, cursor);
                for (AuditSearch.Hit hit : page.hits()) {
                    if (n++ == EXPORT_MAX) {
                        break;
                    }
                    // JSON: the stored, hash-chained records as they are (one per line), so they can be verified
                    out.append(csv ? EventSummary.csvLine(EventSummary.of(AuditEvent.fromJson(hit.json()))) : hit.json() + "\n");
                }
                cursor = page.next();
                more = cursor != null;
            } while (more && n < EXPORT_MAX);
            return new Object[] {out.toString(), more || n > EXPORT_MAX};
        }, result -> request.response()
                .putHeader("Content-Type", csv ? "text/csv; charset=utf-8" : "application/x-ndjson")
                .putHeader("Content-Disposition", "attachment; filename=\"audit-export." + (csv ? "csv" : "jsonl") + "\"")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Export-Truncated", String.valueOf(result[1]))
                .end((String) result[0]));
    }

    /** The last verification's result (or none yet). */
    void verification(HttpServerRequest request, Viewer viewer) {
        Map<String, Object> last = lastVerification;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("running", verifying.get());
        body.put("result", last);
        body.put("global_only", !viewer.global());
        Replies.json(request, 200, body);
    }

    /**
     * Verifies every chain of the store (hashes, links, seals) on a worker; one run at a time. Global admins only:
     * chains mix tenants, and a broken link names an event.
     */
    void verify(HttpServerRequest request, RequestContext ctx, Viewer viewer) {
        if (!viewer.global()) {
            replies.error(request, ctx, ErrorCode.INSUFFICIENT_SCOPE, "Only a global admin can verify the whole audit trail.");
            return;
        }
        if (!verifying.compareAndSet(false, true)) {
            replies.error(request, ctx, ErrorCode.RATE_LIMITED, "A verification is already running.");
            return;
        }
        replies.offLoop(request, ctx, () -> {
            try {
                long start = System.nanoTime();
                AuditVerifier.Result r = new AuditVerifier(sealKey).verify(store);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("ok", r.ok());
                m.put("events", r.events());
                m.put("chains", r.chains());
                m.put("seals", r.seals());
                m.put("seals_signed", r.sealsSigned());
                m.put("first_broken", r.firstBroken() == null ? null : r.firstBroken().toString());
                m.put("checked_at", Instant.now().toString());
                m.put("took_ms", (System.nanoTime() - start) / 1_000_000);
                lastVerification = m;
                return m;
            } finally {
                verifying.set(false);
            }
        }, result -> Replies.json(request, 200, result));
    }
}
