package io.gatewaystack.limits.budget;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Settlements the shared store could not take yet, kept until it can: in memory and, when a file is configured, on
 * disk, so a restart replays them. Accounting never blocks a response and nothing accepted is forgotten.
 *
 * <p>One thread owns the queue and the file. Every {@code retryEvery} it replays the queue in order through the
 * store; when the queue drains, the file is truncated. Replays are safe because settling is idempotent per holder.
 * The file is one line per settlement: the holder, then {@code key periodEnd actual} per charge, tab-separated, keys
 * URL-encoded.
 */
public final class SettlementSpool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SettlementSpool.class);

    private final Function<Settlement, CompletionStage<Void>> store;
    private final Path file;
    private final int maxPending;
    private final ScheduledExecutorService worker;
    private final ArrayDeque<Settlement> pending = new ArrayDeque<>();
    private final AtomicLong size = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private boolean replaying;

    /**
     * @param store      sends one settlement to the shared store
     * @param file       the spool file, or null to keep pending settlements in memory only
     * @param maxPending the most settlements held; beyond it new ones are dropped and counted (logged loudly)
     * @param retryEvery how often the queue is replayed
     */
    public SettlementSpool(Function<Settlement, CompletionStage<Void>> store, Path file, int maxPending,
                           java.time.Duration retryEvery) {
        this.store = store;
        this.file = file;
        this.maxPending = maxPending;
        this.worker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("gatewaystack-budget-spool").factory());
        worker.execute(this::load);
        long every = Math.max(10, retryEvery.toMillis());
        worker.scheduleWithFixedDelay(this::replay, every, every, TimeUnit.MILLISECONDS);
    }

    /** Keeps a settlement that failed, to replay later. Never blocks the caller. */
    public void add(Settlement settlement) {
        size.incrementAndGet();
        try {
            worker.execute(() -> keep(settlement));
        } catch (RejectedExecutionException stopped) {
            // Closed already (a settlement failed during shutdown): the file is all that is left to keep it in.
            synchronized (this) {
                append(settlement);
            }
            if (file == null) {
                dropped.incrementAndGet();
                LOG.error("budget settlement of {} lost: the spool is closed and has no file", settlement.holder());
            } else {
                LOG.warn("budget settlement of {} written to {} after close; replayed at the next start",
                        settlement.holder(), file);
            }
        }
    }

    /** Runs on the worker. */
    private void keep(Settlement settlement) {
        if (pending.size() >= maxPending) {
            size.decrementAndGet();
            dropped.incrementAndGet();
            LOG.error("budget settlement spool is full ({} pending): a settlement of {} was dropped", maxPending,
                    settlement.holder());
            return;
        }
        pending.addLast(settlement);
        append(settlement);
    }

    /** Settlements waiting for the store; for health and metrics. */
    public long pending() {
        return size.get();
    }

    /** Settlements dropped because the spool was full; for health and metrics. */
    public long dropped() {
        return dropped.get();
    }

    private void load() {
        if (file == null || !Files.exists(file)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                Settlement s = parse(line);
                if (s != null && pending.size() < maxPending) {
                    pending.addLast(s);
                    size.incrementAndGet();
                }
            }
            if (!pending.isEmpty()) {
                LOG.info("replaying {} budget settlements from {}", pending.size(), file);
            }
        } catch (IOException e) {
            LOG.error("could not read the budget settlement spool {}: {}", file, e.toString());
        }
    }

    /** Sends the queue in order; stops at the first failure and tries again next round. Runs on the worker. */
    private void replay() {
        if (replaying || pending.isEmpty()) {
            return;
        }
        replaying = true;
        sendNext();
    }

    private void sendNext() {
        Settlement next = pending.peekFirst();
        if (next == null) {
            replaying = false;
            truncate();
            return;
        }
        CompletionStage<Void> sent;
        try {
            sent = store.apply(next);
        } catch (RuntimeException e) {
            replaying = false;
            return;
        }
        sent.whenComplete((ok, failure) -> worker.execute(() -> {
            if (failure != null) {
                replaying = false;
                return;
            }
            pending.pollFirst();
            size.decrementAndGet();
            sendNext();
        }));
    }

    private void append(Settlement s) {
        if (file == null) {
            return;
        }
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
            out.write(format(s));
            out.newLine();
        } catch (IOException e) {
            LOG.error("could not write the budget settlement spool {}: {}", file, e.toString());
        }
    }

    private void truncate() {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("could not clear the budget settlement spool {}: {}", file, e.toString());
        }
    }

    static String format(Settlement s) {
        StringBuilder line = new StringBuilder(64).append(encode(s.holder()));
        for (Settlement.Charge c : s.charges()) {
            line.append('\t').append(encode(c.key())).append('\t').append(c.periodEnd()).append('\t').append(c.actual());
        }
        return line.toString();
    }

    static Settlement parse(String line) {
        String[] parts = line.split("\t");
        if (parts.length < 1 || (parts.length - 1) % 3 != 0) {
            return null;
        }
        try {
            List<Settlement.Charge> charges = new ArrayList<>((parts.length - 1) / 3);
            for (int i = 1; i < parts.length; i += 3) {
                charges.add(new Settlement.Charge(decode(parts[i]), Long.parseLong(parts[i + 1]),
                        Long.parseLong(parts[i + 2])));
            }
            return new Settlement(decode(parts[0]), charges);
        } catch (RuntimeException e) {
            LOG.warn("skipping a malformed line of the budget settlement spool");
            return null;
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** Tries once more to send what is pending (bounded by {@code waitMillis}), then stops; the file keeps the rest. */
    @Override
    public void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.shutdownNow();
    }
}
