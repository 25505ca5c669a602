package io.gatewaystack.limits.store;

import io.gatewaystack.limits.FailureMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Calls a shared store and applies a failure policy when it fails: counts the failures and logs them at most once
 * per 10 s (a Redis outage must not flood the log at request rate). Shared by the failover wrappers of the rate,
 * budget and agent-guard stores.
 */
public final class FailureLog {

    private static final Logger LOG = LoggerFactory.getLogger(FailureLog.class);
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;

    private final String store;
    private final FailureMode mode;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong lastLoggedNanos = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    /**
     * @param store what the log line names, e.g. {@code "budget store"}
     * @param mode  the failure policy, named in the log line
     */
    public FailureLog(String store, FailureMode mode) {
        this.store = Objects.requireNonNull(store, "store");
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /**
     * Runs {@code call} against the shared store; if it throws or its stage fails, the failure is noted and the
     * stage completes with {@code onFailure}'s answer instead (the fallback, or "unavailable").
     */
    public <T> CompletionStage<T> call(String operation, Supplier<CompletionStage<T>> call,
                                       Function<Throwable, T> onFailure) {
        CompletionStage<T> shared;
        try {
            shared = call.get();
        } catch (RuntimeException e) {
            shared = CompletableFuture.failedFuture(e);
        }
        return shared.exceptionally(failure -> {
            note(operation, failure);
            return onFailure.apply(failure);
        });
    }

    /** Counts one failed call and logs it unless a line was written in the last 10 s. */
    public void note(String operation, Throwable failure) {
        long count = failures.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLoggedNanos.get();
        if (now - last >= LOG_EVERY_NANOS && lastLoggedNanos.compareAndSet(last, now)) {
            LOG.warn("{} {} failed ({} so far), policy {}: {}", store, operation, count, mode, String.valueOf(failure));
        }
    }

    /** Failed calls since start; for metrics and tests. */
    public long count() {
        return failures.get();
    }
}
