package io.gatewaystack.limits.store;

import io.gatewaystack.limits.FailureMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Applies the failure policy around a shared store: when it fails or times out, either count the request in a
 * local in-memory store instead ({@link FailureMode#FAIL_OPEN}, the outcome is marked degraded) or answer
 * {@link LimitOutcome.Verdict#STORE_UNAVAILABLE} ({@link FailureMode#FAIL_CLOSED}).
 *
 * <p>Releases go to the store that issued the reservation. A failed release is logged and dropped: the shared
 * store's lease TTL frees the slot eventually.
 */
public final class FailoverLimitStore implements LimitStore {

    private static final Logger LOG = LoggerFactory.getLogger(FailoverLimitStore.class);
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;

    private final LimitStore primary;
    private final MemoryLimitStore fallback;
    private final FailureMode mode;
    private final AtomicLong lastLoggedNanos = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    private final AtomicLong failures = new AtomicLong();

    public FailoverLimitStore(LimitStore primary, MemoryLimitStore fallback, FailureMode mode) {
        this.primary = Objects.requireNonNull(primary, "primary");
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    @Override
    public CompletionStage<LimitOutcome> reserve(LimitRequest request) {
        CompletionStage<LimitOutcome> shared;
        try {
            shared = primary.reserve(request);
        } catch (RuntimeException e) {
            shared = CompletableFuture.failedFuture(e);
        }
        return shared.exceptionally(failure -> {
            noteFailure("reserve", failure);
            return mode == FailureMode.FAIL_OPEN
                    ? fallback.reserveNow(request).asDegraded()
                    : LimitOutcome.unavailable();
        });
    }

    @Override
    public CompletionStage<Void> release(Reservation reservation) {
        if (reservation == null || reservation.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (reservation.degraded()) {
            fallback.releaseNow(reservation);
            return CompletableFuture.completedFuture(null);
        }
        CompletionStage<Void> shared;
        try {
            shared = primary.release(reservation);
        } catch (RuntimeException e) {
            shared = CompletableFuture.failedFuture(e);
        }
        return shared.exceptionally(failure -> {
            noteFailure("release", failure);
            return null;
        });
    }

    /** How many shared-store calls failed since start; for metrics and tests. */
    public long failures() {
        return failures.get();
    }

    /** The local store used while the shared one is failing (its {@code sweep()} must run too). */
    public MemoryLimitStore fallback() {
        return fallback;
    }

    private void noteFailure(String operation, Throwable failure) {
        failures.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLoggedNanos.get();
        // At most one log line per interval: a Redis outage must not flood the log at request rate.
        if (now - last >= LOG_EVERY_NANOS && lastLoggedNanos.compareAndSet(last, now)) {
            LOG.warn("limits store {} failed ({} so far), policy {}: {}", operation, failures.get(), mode,
                    String.valueOf(failure));
        }
    }

    @Override
    public void close() {
        primary.close();
        fallback.close();
    }
}
