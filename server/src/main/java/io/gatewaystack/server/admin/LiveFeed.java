package io.gatewaystack.server.admin;

import io.gatewaystack.audit.AuditEvent;
import io.gatewaystack.audit.AuditSink;
import io.gatewaystack.audit.spool.SpoolEntry;
import io.gatewaystack.server.http.JsonBodies;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The console's live view of the audit trail: an {@link AuditSink} that hands every event, as the audit
 * pipeline delivers it, to the connected viewers (server-sent events) and to the {@link TrafficStats}.
 *
 * <p>It is a sink like the store, with its own thread and its own spool offset, so the audit trail never waits
 * for it. Each viewer has a bounded number of events in flight to its event loop ({@value #MAX_PENDING}); a viewer
 * that cannot keep up misses events (counted, and told with a {@code dropped} event): that is acceptable for a
 * live view only. The audit trail itself is the store's and loses nothing.
 */
public final class LiveFeed implements AuditSink {

    /** At most this many events queued towards one viewer's event loop. */
    static final int MAX_PENDING = 256;
    /** At most this many viewers at once. */
    static final int MAX_VIEWERS = 32;

    private final TrafficStats stats = new TrafficStats();
    private final CopyOnWriteArrayList<Viewer> viewers = new CopyOnWriteArrayList<>();
    private final AtomicLong delivered = new AtomicLong();

    /** One connected stream. */
    final class Viewer {
        private final Context context;
        private final HttpServerResponse response;
        private final String tenant;
        private final AtomicInteger pending = new AtomicInteger();
        private final AtomicLong dropped = new AtomicLong();
        private long reportedDropped;

        private Viewer(Context context, HttpServerResponse response, String tenant) {
            this.context = context;
            this.response = response;
            this.tenant = tenant;
        }

        private void offer(AuditEvent e, String frame) {
            if (tenant != null && (e.identity() == null || !tenant.equals(e.identity().tenant()))) {
                return;
            }
            if (pending.incrementAndGet() > MAX_PENDING) {
                pending.decrementAndGet();
                dropped.incrementAndGet();
                return;
            }
            context.runOnContext(v -> {
                pending.decrementAndGet();
                if (response.ended() || response.closed()) {
                    close();
                    return;
                }
                if (response.writeQueueFull()) { // the browser reads slower than events come
                    dropped.incrementAndGet();
                    return;
                }
                long d = dropped.get();
                if (d != reportedDropped) {
                    reportedDropped = d;
                    response.write("event: dropped\ndata: {\"dropped\":" + d + "}\n\n");
                }
                response.write(frame);
                delivered.incrementAndGet();
            });
        }

        /** Stops sending to this viewer (the stream ended or the connection closed). */
        void close() {
            viewers.remove(this);
        }
    }

    @Override
    public String name() {
        return "admin-live";
    }

    /**
     * Registers a stream; called on the response's event loop. Null when {@value #MAX_VIEWERS} viewers are
     * already connected.
     *
     * @param tenant only this tenant's events, or null for all
     */
    Viewer subscribe(Context context, HttpServerResponse response, String tenant) {
        Objects.requireNonNull(context, "context");
        if (viewers.size() >= MAX_VIEWERS) {
            return null;
        }
        Viewer v = new Viewer(context, response, tenant);
        viewers.add(v);
        return v;
    }

    int viewerCount() {
        return viewers.size();
    }

    long deliveredCount() {
        return delivered.get();
    }

    TrafficStats stats() {
        return stats;
    }

    @Override
    public void write(java.util.List<SpoolEntry> batch) {
        long now = System.currentTimeMillis();
        for (SpoolEntry entry : batch) {
            if (!entry.isEvent()) {
                continue;
            }
            AuditEvent e;
            try {
                e = entry.event();
            } catch (RuntimeException unreadable) {
                continue; // the store's verifier reports bad records; the live view just skips them
            }
            stats.record(e, now);
            if (viewers.isEmpty() || e.time() < now - 60_000) {
                continue; // nobody watching, or a replay of old events after a restart: not live
            }
            // one immutable String for every viewer: each event loop encodes its own copy
            String frame = "data: " + JsonBodies.encode(EventSummary.of(e)).toString() + "\n\n";
            for (Viewer v : viewers) {
                v.offer(e, frame);
            }
        }
    }
}
