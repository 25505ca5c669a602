package io.gatewaystack.limits.store;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Holds the one connection to Redis, opening it without blocking and without needing Redis up at start.
 *
 * <p>Once open, Lettuce reconnects on its own after a drop. If the first connect fails, callers get the failure at
 * once (so the failure policy answers quickly) and a new attempt starts no sooner than {@code retryDelayMillis}
 * after the last one failed.
 */
final class RedisConnector implements AutoCloseable {

    private final RedisClient client;
    private final RedisURI uri;
    private final long retryDelayMillis;
    private volatile CompletableFuture<StatefulRedisConnection<String, String>> connection;
    private volatile long failedAtNanos;

    RedisConnector(RedisClient client, RedisURI uri, long retryDelayMillis) {
        this.client = client;
        this.uri = uri;
        this.retryDelayMillis = retryDelayMillis;
    }

    /** The async command API, or a failed stage when Redis cannot be reached now. */
    CompletionStage<RedisAsyncCommands<String, String>> commands() {
        CompletableFuture<StatefulRedisConnection<String, String>> current = connection;
        if (current == null || current.isCompletedExceptionally() && retryDue()) {
            current = connect(current);
        }
        if (current.isDone() && !current.isCompletedExceptionally()) {
            return CompletableFuture.completedFuture(current.join().async());
        }
        return current.thenApply(StatefulRedisConnection::async);
    }

    private boolean retryDue() {
        return System.nanoTime() - failedAtNanos >= retryDelayMillis * 1_000_000L;
    }

    private synchronized CompletableFuture<StatefulRedisConnection<String, String>> connect(
            CompletableFuture<StatefulRedisConnection<String, String>> seen) {
        if (connection != seen) {
            return connection; // another thread started an attempt meanwhile
        }
        CompletableFuture<StatefulRedisConnection<String, String>> attempt =
                client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
        attempt.whenComplete((c, failure) -> {
            if (failure != null) {
                failedAtNanos = System.nanoTime();
            }
        });
        connection = attempt;
        return attempt;
    }

    @Override
    public synchronized void close() {
        CompletableFuture<StatefulRedisConnection<String, String>> current = connection;
        if (current != null) {
            current.thenAccept(StatefulRedisConnection::close);
        }
    }
}
