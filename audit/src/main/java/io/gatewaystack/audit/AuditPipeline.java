package io.gatewaystack.audit;

import io.gatewaystack.audit.spool.Spool;
import io.gatewaystack.audit.spool.SpoolEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail's delivery pipeline: request threads → bounded queue → one writer thread (hash chain, seals,
 * durable spool) → one delivery thread per sink (in order, retried, exactly once per idempotent sink).
 *
 * <p>{@link #submit} is the only call on the request path: an {@code offer} into an {@link ArrayBlockingQueue},
 * never blocking, no I/O. The writer drains the queue in batches, chains each event
 * ({@link AuditEvent#chained}), appends it to the {@link Spool}, fsyncs per batch (policy permitting) and only
 * then publishes the batch to the sinks. Each sink thread reads the spool from its committed offset
 * ({@code <spool>/offset-<sink>}), writes a batch, and commits; a failing sink is retried with backoff from the
 * same offset, so it catches up in order when it comes back. Segments are deleted once every sink has committed
 * past them.
 *
 * <p>Nothing is dropped silently: an event that cannot be queued is counted ({@link #droppedCount}, or
 * {@link #refusedCount} while failing closed), and {@link #acceptingEvents()} turns false <em>before</em> the
 * queue is full or when the spool is over its disk limit under {@link AuditConfig.SpoolFullPolicy#FAIL_CLOSED},
 * so the {@link AuditLayer} refuses new requests (503) instead of serving them unaudited.
 */
public final class AuditPipeline implements AutoCloseable {

    /** How long a sink that has caught up waits before it reads the spool again: larger, cheaper batches. */
    static final long SINK_LINGER_NANOS = 20_000_000;

    private static final Logger log = LoggerFactory.getLogger(AuditPipeline.class);

    private final AuditConfig config;
    private final ArrayBlockingQueue<AuditEvent> queue;
    private final int headroom;
    private final Spool spool;
    private final String chainId;
    private final List<SinkRunner> sinks = new CopyOnWriteArrayList<>();
    private final Thread writer;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final java.util.concurrent.atomic.LongAdder accepted = new java.util.concurrent.atomic.LongAdder();
    private final io.gatewaystack.audit.privacy.SubjectCipher cipher; // writer thread only; null: sub in clear
    private volatile boolean running = true;
    private volatile boolean halted;
    private volatile boolean spoolOverLimit;
    private volatile Throwable writerFailure;

    // writer-thread chain state
    private long seq;
    private String head;
    private long unsealed;
    private long lastSealNanos = System.nanoTime();

    /** How many of the newest events are kept in memory for the sinks (bounded; older ones are parsed). */
    private static final int RECENT_EVENTS = 16_384;
    private final java.util.concurrent.ConcurrentHashMap<Long, AuditEvent> recent = new java.util.concurrent.ConcurrentHashMap<>();

    private List<SpoolEntry> withKnownEvents(List<SpoolEntry> entries) {
        List<SpoolEntry> out = new java.util.ArrayList<>(entries.size());
        for (SpoolEntry e : entries) {
            AuditEvent known = e.isEvent() && e.known() == null ? recent.get(e.pos()) : null;
            out.add(known == null ? e : e.withKnown(known));
        }
        return out;
    }

    public AuditPipeline(AuditConfig config, List<? extends AuditSink> sinkList) {
        this.config = config;
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.headroom = Math.max(16, config.queueCapacity() / 16);
        this.spool = new Spool(config.spoolDir(), config.segmentBytes(), config.fsync(), config.fsyncInterval().toMillis());
        this.chainId = chainId(config);
        this.cipher = config.dataKey() == null ? null : new io.gatewaystack.audit.privacy.SubjectCipher(config.dataKey());
        SpoolEntry lastEvent = spool.recoveredLastEvent();
        SpoolEntry lastSeal = spool.recoveredLastSeal();
        seq = 0;
        head = AuditEvent.GENESIS;
        if (lastEvent != null) {
            AuditEvent e = lastEvent.event();
            seq = e.seq();
            head = e.hash();
        }
        if (lastSeal != null) {
            Seal s = lastSeal.seal();
            if (s.seq() > seq) {
                seq = s.seq();
                head = s.headHash();
            }
        }
        for (AuditSink sink : sinkList) {
            sinks.add(new SinkRunner(sink));
        }
        spoolOverLimit = spool.sizeBytes() > config.spoolMaxBytes();
        this.writer = Thread.ofPlatform().name("audit-writer").daemon(true).unstarted(this::writeLoop);
        writer.start();
        for (SinkRunner r : sinks) {
            r.thread.start();
        }
    }

    private static String chainId(AuditConfig config) {
        Path f = config.spoolDir().resolve("chain-id");
        try {
            if (Files.exists(f)) {
                return Files.readString(f, StandardCharsets.UTF_8).trim();
            }
            // A new spool starts a new chain: a lost spool never reuses (instance, seq) pairs already stored.
            String id = config.instanceId() + "." + Long.toString(System.currentTimeMillis(), 36);
            writeAtomically(f, id);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The hash chain this pipeline appends to: the instance id plus the spool's creation time. */
    public String chainId() {
        return chainId;
    }

    // ---- request path ---------------------------------------------------------------------------

    /**
     * Queues an event; never blocks. False when it was not accepted (counted in {@link #refusedCount} while the
     * pipeline fails closed, else in {@link #droppedCount}).
     */
    public boolean submit(AuditEvent event) {
        if (!running) {
            dropped.incrementAndGet();
            return false;
        }
        if (spoolOverLimit && config.onSpoolFull() == AuditConfig.SpoolFullPolicy.FAIL_CLOSED) {
            refused.incrementAndGet();
            return false;
        }
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
            return false;
        }
        accepted.increment();
        return true;
    }

    /**
     * Whether new requests may be served: false while the spool is over its limit under fail-closed, when the
     * writer has failed, or when the queue is nearly full. The server answers 503 {@code unavailable} (and
     * {@code /health} 503) while this is false.
     */
    public boolean acceptingEvents() {
        if (!running || writerFailure != null) {
            return false;
        }
        if (spoolOverLimit && config.onSpoolFull() == AuditConfig.SpoolFullPolicy.FAIL_CLOSED) {
            return false;
        }
        return queue.remainingCapacity() > headroom;
    }

    /** True when an operator should look: over the spool limit (in either policy), a failed writer, drops. */
    public boolean alarm() {
        return spoolOverLimit || writerFailure != null || dropped.get() > 0;
    }

    // ---- writer ---------------------------------------------------------------------------------

    private void writeLoop() {
        List<AuditEvent> batch = new ArrayList<>(4096);
        try {
            long idleParkNanos = 500_000;
            while (true) {
                if (halted) {
                    return;
                }
                queue.drainTo(batch, 4096);
                if (batch.isEmpty()) {
                    if (!running) {
                        break;
                    }
                    if (unsealed > 0 && System.nanoTime() - lastSealNanos >= config.sealEvery().toNanos()) {
                        seal();
                        spool.flush();
                    } else {
                        spool.flush(); // interval fsync
                    }
                    checkSpoolSize();
                    // Polling keeps offer() free of wake-ups; idle, the poll slows from 0.5 ms to 2 ms.
                    LockSupport.parkNanos(idleParkNanos);
                    idleParkNanos = Math.min(idleParkNanos * 2, 2_000_000);
                    if (halted) {
                        return;
                    }
                    continue;
                }
                if (halted) {
                    return;
                }
                idleParkNanos = 500_000;
                for (AuditEvent e : batch) {
                    if (cipher != null) {
                        var p = cipher.protect(e, System.currentTimeMillis());
                        if (p.newKeyRecord() != null) {
                            spool.append(SpoolEntry.KEY, p.newKeyRecord()); // before the first event it decrypts
                        }
                        e = p.event();
                    }
                    AuditEvent.Chained placed = e.chainedWithJson(chainId, ++seq, head);
                    AuditEvent chained = placed.event();
                    head = chained.hash();
                    long pos = spool.append(SpoolEntry.EVENT, placed.json());
                    recent.put(pos, chained); // sinks reading it soon need not parse it back
                    recent.remove(pos - RECENT_EVENTS);
                    if (++unsealed >= config.sealEveryEvents()) {
                        seal();
                    }
                }
                spool.flush();
                written.addAndGet(batch.size());
                batch.clear();
                checkSpoolSize();
            }
            if (unsealed > 0) {
                seal();
            }
            spool.close();
        } catch (Throwable t) {
            writerFailure = t;
            log.error("audit writer failed; the gateway stops accepting requests it cannot audit", t);
        }
    }

    private void seal() throws IOException {
        if (config.sealKey() != null && seq > 0) {
            Seal s = Seal.sign(chainId, seq, head, System.currentTimeMillis(), config.sealKeyId(), config.sealKey());
            spool.append(SpoolEntry.SEAL, s.toJson());
        }
        unsealed = 0;
        lastSealNanos = System.nanoTime();
    }

    private void checkSpoolSize() throws IOException {
        long min = Long.MAX_VALUE;
        for (SinkRunner r : sinks) {
            min = Math.min(min, r.committed);
        }
        if (min == Long.MAX_VALUE) {
            min = spool.durablePos(); // no sinks: the spool is only a write-ahead buffer
        }
        spool.deleteUpTo(min);
        boolean over = spool.sizeBytes() > config.spoolMaxBytes();
        if (over != spoolOverLimit) {
            spoolOverLimit = over;
            if (over) {
                log.error("audit spool is over its limit ({} > {} bytes): {}", spool.sizeBytes(), config.spoolMaxBytes(),
                        config.onSpoolFull() == AuditConfig.SpoolFullPolicy.FAIL_CLOSED ? "refusing new requests" : "alarm raised, still serving");
            } else {
                log.info("audit spool is back under its limit");
            }
        }
    }

    // ---- sinks ----------------------------------------------------------------------------------

    private final class SinkRunner {
        final AuditSink sink;
        final Path offsetFile;
        final Thread thread;
        volatile long committed;
        volatile boolean healthy = true;
        volatile String lastError;
        volatile long delivered;
        volatile long failures;

        SinkRunner(AuditSink sink) {
            this.sink = sink;
            this.offsetFile = config.spoolDir().resolve("offset-" + sink.name().replaceAll("[^A-Za-z0-9_.-]", "_"));
            try {
                committed = Files.exists(offsetFile) ? Long.parseLong(Files.readString(offsetFile).trim()) : 0;
            } catch (IOException | NumberFormatException e) {
                throw new IllegalStateException("cannot read audit sink offset " + offsetFile, e);
            }
            this.thread = Thread.ofPlatform().name("audit-sink-" + sink.name()).daemon(true).unstarted(this::run);
        }

        void run() {
            long backoffMillis = 100;
            long idleParkNanos = 2_000_000;
            try (Spool.Reader reader = spool.reader(committed)) {
                List<SpoolEntry> pending = List.of();
                while (!halted) {
                    if (pending.isEmpty()) {
                        pending = reader.poll(config.sinkBatch());
                    }
                    if (pending.isEmpty()) {
                        if (!running && !writer.isAlive() && reader.nextPos() > spool.durablePos()) {
                            return; // drained
                        }
                        LockSupport.parkNanos(idleParkNanos); // idle: from 2 ms up to 10 ms between looks
                        idleParkNanos = Math.min(idleParkNanos * 2, 10_000_000);
                        continue;
                    }
                    idleParkNanos = 2_000_000;
                    pending = withKnownEvents(pending);
                    try {
                        sink.write(pending);
                    } catch (Exception e) {
                        failures++;
                        if (healthy || !String.valueOf(e).equals(lastError)) {
                            log.warn("audit sink {} failed; will retry from position {}: {}", sink.name(), pending.getFirst().pos(), e.toString());
                        }
                        healthy = false;
                        lastError = String.valueOf(e);
                        sleep(backoffMillis);
                        backoffMillis = Math.min(backoffMillis * 2, 5_000);
                        continue;
                    }
                    if (!healthy) {
                        log.info("audit sink {} recovered", sink.name());
                    }
                    healthy = true;
                    lastError = null;
                    backoffMillis = 100;
                    long last = pending.getLast().pos();
                    int written = pending.size();
                    delivered += written;
                    writeAtomically(offsetFile, Long.toString(last));
                    committed = last;
                    pending = List.of();
                    if (written < config.sinkBatch() && running) {
                        // Caught up: let the next batch build for a moment. A transaction and an offset file per
                        // handful of events cost more than the events themselves (SQLite: ~120 µs per event at
                        // 2,000 events/s without this, ~25 µs in large batches).
                        LockSupport.parkNanos(SINK_LINGER_NANOS);
                    }
                }
            } catch (Throwable t) {
                healthy = false;
                lastError = String.valueOf(t);
                log.error("audit sink {} stopped", sink.name(), t);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // ---- state ----------------------------------------------------------------------------------

    /** One sink's delivery state. {@code lag} is how many spool records it has yet to deliver. */
    public record SinkStatus(String name, boolean healthy, long committedPos, long lag, long delivered, long failures, String lastError) {
    }

    /**
     * The pipeline's state for {@code /health}: {@code accepting} false means the server must answer 503.
     */
    public record Health(boolean accepting, boolean alarm, String chainId, int queueDepth, long spoolBytes,
                         long spoolMaxBytes, long spoolDurablePos, long written, long dropped, long refused,
                         String writerError, List<SinkStatus> sinks) {
    }

    public Health health() {
        List<SinkStatus> s = new ArrayList<>();
        long durable = spool.durablePos();
        for (SinkRunner r : sinks) {
            s.add(new SinkStatus(r.sink.name(), r.healthy, r.committed, durable - r.committed, r.delivered, r.failures, r.lastError));
        }
        Throwable wf = writerFailure;
        return new Health(acceptingEvents(), alarm(), chainId, queue.size(), spool.sizeBytes(), config.spoolMaxBytes(),
                durable, written.get(), dropped.get(), refused.get(), wf == null ? null : wf.toString(), List.copyOf(s));
    }

    public int queueDepth() {
        return queue.size();
    }

    public long spoolBytes() {
        return spool.sizeBytes();
    }

    public long droppedCount() {
        return dropped.get();
    }

    public long refusedCount() {
        return refused.get();
    }

    public long writtenCount() {
        return written.get();
    }

    /** Records not yet delivered by the slowest sink. */
    public long maxSinkLag() {
        long durable = spool.durablePos();
        long lag = 0;
        for (SinkRunner r : sinks) {
            lag = Math.max(lag, durable - r.committed);
        }
        return lag;
    }

    public AuditConfig config() {
        return config;
    }

    /**
     * Waits until every event submitted so far is in the spool and every sink has delivered it, or the timeout
     * passes. True when caught up.
     */
    public boolean awaitDelivered(java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (written.get() >= accepted.sum() && maxSinkLag() == 0) {
                return true;
            }
            sleep(5);
        }
        return false;
    }

    /**
     * Stops accepting, writes everything queued to the spool (and a final seal), then gives the sinks up to
     * {@code sinkGrace} to deliver; what they have not delivered stays in the spool for the next start.
     */
    public void close(java.time.Duration sinkGrace) {
        running = false;
        try {
            writer.join(10_000);
            long deadline = System.nanoTime() + sinkGrace.toNanos();
            for (SinkRunner r : sinks) {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                r.thread.join(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        halted = true;
        for (SinkRunner r : sinks) {
            try {
                r.thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            r.sink.close();
        }
    }

    @Override
    public void close() {
        close(java.time.Duration.ofSeconds(5));
    }

    /**
     * Simulates a crash (for tests): the writer and the sinks stop where they are; what is still queued in memory
     * is lost, what was flushed to the spool stays there. Sinks are not closed.
     */
    void halt() {
        halted = true;
        running = false;
        try {
            writer.join(5_000);
            for (SinkRunner r : sinks) {
                r.thread.join(5_000);
            }
            spool.abandon();
        } catch (InterruptedException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
