package io.gatewaystack.limits.store;

import io.gatewaystack.limits.FailureMode;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Applies the failure policy around a shared store: when it fails or times out, either count the request in a
 * local in-memory store instead ({@link FailureMode#FAIL_OPEN}, the outcome is marked degraded) or answer
 * {@link LimitOutcome.Verdict#STORE_UNAVAILABLE} ({@link FailureMode#FAIL_CLOSED}).
 *
 * <p>Releases go to the store that issued the reservation. A failed release is logged and dropped: the shared
 * store's lease TTL frees the slot eventually.
 */
public final class FailoverLimitStore implements LimitStore {

    private final LimitStore primary;
    private final MemoryLimitStore fallback;
    private final FailureMode mode;
    private final FailureLog failureLog;

    public FailoverLimitStore(LimitStore primary, MemoryLimitStore fallback, FailureMode mode) {
        this.primary = Objects.requireNonNull(primary, "primary");
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.failureLog = new FailureLog("limits store", mode);
    }

    @Override
    public CompletionStage<LimitOutcome> reserve(LimitRequest request) {
        return failureLog.call("reserve", () -> primary.reserve(request),
                failure -> mode == FailureMode.FAIL_OPEN
                        ? fallback.reserveNow(request).asDegraded()
                        : LimitOutcome.unavailable());
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
        return failureLog.call("release", () -> primary.release(reservation),
                failure -> null);
    }

    /** How many shared-store calls failed since start; for metrics and tests. */
    public long failures() {
        return failureLog.count();
    }

    /** The local store used while the shared one is failing (its {@code sweep()} must run too). */
    public MemoryLimitStore fallback() {
        return fallback;
    }


    @Override
    public void close() {
        primary.close();
        fallback.close();
    }
}
