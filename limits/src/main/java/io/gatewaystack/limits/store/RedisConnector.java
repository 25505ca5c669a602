package io.gatewaystack.limits.store;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;

import java.time.Duration;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Holds the one connection to Redis, opening it without blocking and without needing Redis up at start.
 *
 * <p>Once open, Lettuce reconnects on its own after a drop. If the first connect fails, callers get the failure at
 * once (so the failure policy answers quickly) and a new attempt starts no sooner than {@code retryDelayMillis}
 * after the last one failed.
 */
public final class RedisConnector implements AutoCloseable {

    private final RedisClient client;
    private final RedisURI uri;
    private final long retryDelayMillis;
    private volatile CompletableFuture<StatefulRedisConnection<String, String>> connection;
    private volatile long failedAtNanos;

    public RedisConnector(RedisClient client, RedisURI uri, long retryDelayMillis) {
        this.client = client;
        this.uri = uri;
        this.retryDelayMillis = retryDelayMillis;
    }

    /**
     * A Lettuce client set up the way every limits store needs it: commands bounded by {@code commandTimeout},
     * rejected at once (not queued) while the connection is down, reconnecting in the background, and a connect
     * timeout of five command timeouts (at least 500 ms).
     */
    public static RedisClient newClient(Duration commandTimeout) {
        RedisClient client = RedisClient.create();
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(Duration.ofMillis(Math.max(500, commandTimeout.toMillis() * 5)))
                        .build())
                .build());
        return client;
    }

    /** The URI of {@code redisUrl} with its command timeout set. */
    public static RedisURI uri(String redisUrl, Duration commandTimeout) {
        RedisURI uri = RedisURI.create(redisUrl);
        uri.setTimeout(commandTimeout);
        return uri;
    }

    /** The async command API, or a failed stage when Redis cannot be reached now. */
    public CompletionStage<RedisAsyncCommands<String, String>> commands() {
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
