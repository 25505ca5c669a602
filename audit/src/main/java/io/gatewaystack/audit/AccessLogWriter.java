package io.gatewaystack.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;

/**
 * Writes access records as JSON lines, off the request path.
 *
 * <p>Request threads only {@link #submit} a record into a bounded queue (no I/O, no blocking); one writer thread
 * formats and writes them in batches and flushes when the queue runs dry. If the queue is full (the output cannot
 * keep up) the record is counted, not silently lost: the writer emits an {@code access_log.dropped} line with
 * the count as soon as it can. {@link #close} drains what was accepted before returning.
 */
public final class AccessLogWriter implements AutoCloseable {

    private static final AccessRecord POISON = new AccessRecord(0, null, null, null, null, 0, 0, null, null, null, null);

    private final BlockingQueue<AccessRecord> queue;
    private final OutputStream out;
    private final JsonFactory json = JsonFactory.builder().rootValueSeparator("\n").build();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private static final int BATCH = 1024;
    private static final long LINGER_MILLIS = 5;

    private final Thread writer;
    private long lastTimeMillis = Long.MIN_VALUE;
    private String lastTime;
    private volatile boolean closed;

    public AccessLogWriter(OutputStream out, int capacity) {
        this.out = out;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = Thread.ofPlatform().name("access-log-writer").daemon(true).unstarted(this::drainLoop);
        this.writer.start();
    }

    /** Never blocks: a full queue counts the record as dropped (and says so in the log). */
    public void submit(AccessRecord record) {
        if (closed || !queue.offer(record)) {
            dropped.incrementAndGet();
        }
    }

    public long droppedCount() {
        return dropped.get();
    }

    public long writtenCount() {
        return written.get();
    }

    private void drainLoop() {
        List<AccessRecord> batch = new ArrayList<>(BATCH);
        long reportedDrops = 0;
        try (JsonGenerator g = json.createGenerator(tools.jackson.core.ObjectWriteContext.empty(), new NoCloseOutputStream(out))) {
            while (true) {
                queue.drainTo(batch, BATCH);
                if (batch.isEmpty()) {
                    // Sleep rather than block on the queue: a blocked consumer makes every offer() wake it
                    // (a futex call per request); polling a few hundred times a second costs nothing.
                    Thread.sleep(LINGER_MILLIS);
                    continue;
                }
                boolean stop = false;
                for (AccessRecord r : batch) {
                    if (r == POISON) {
                        stop = true;
                        continue;
                    }
                    write(g, r);
                    written.incrementAndGet();
                }
                boolean small = batch.size() < BATCH / 8;
                batch.clear();
                long drops = dropped.get();
                if (drops != reportedDrops) {
                    writeDropped(g, drops - reportedDrops);
                    reportedDrops = drops;
                }
                g.flush();
                if (stop) {
                    return;
                }
                if (small) {
                    Thread.sleep(LINGER_MILLIS); // let a batch build up: fewer, larger writes
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The output itself failed (closed stdout); nothing more can be written here.
            System.err.println("access log writer stopped: " + e);
        }
    }

    private void write(JsonGenerator g, AccessRecord r) {
        g.writeStartObject();
        g.writeStringProperty("time", time(r.epochMillis()));
        g.writeStringProperty("kind", "gateway.request");
        g.writeStringProperty("request_id", r.requestId());
        g.writeStringProperty("method", r.method());
        g.writeStringProperty("path", r.path());
        if (r.route() != null) {
            g.writeStringProperty("route", r.route());
        }
        g.writeNumberProperty("status", r.status());
        g.writeNumberProperty("latency_ms", r.latencyMicros() / 1000.0);
        g.writeStringProperty("sub", r.subject());
        g.writeStringProperty("org", r.orgId());
        g.writeStringProperty("decision", r.decision());
        if (r.error() != null) {
            g.writeStringProperty("error", r.error());
        }
        g.writeEndObject();
    }

    /** ISO-8601 time, formatted once per millisecond (many records share one). Writer thread only. */
    private String time(long epochMillis) {
        if (epochMillis != lastTimeMillis) {
            lastTimeMillis = epochMillis;
            lastTime = Instant.ofEpochMilli(epochMillis).toString();
        }
        return lastTime;
    }

    private static void writeDropped(JsonGenerator g, long count) {
        g.writeStartObject();
        g.writeStringProperty("time", Instant.now().toString());
        g.writeStringProperty("kind", "access_log.dropped");
        g.writeNumberProperty("count", count);
        g.writeEndObject();
    }

    /** Stops accepting records, writes everything accepted so far, then returns (waits at most five seconds). */
    @Override
    public void close() {
        closed = true;
        try {
            queue.put(POISON);
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            out.flush();
        } catch (IOException ignored) {
            // stdout gone: nothing to report to
        }
    }

    /** The generator must not close stdout when the writer stops. */
    private static final class NoCloseOutputStream extends java.io.FilterOutputStream {
        NoCloseOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
