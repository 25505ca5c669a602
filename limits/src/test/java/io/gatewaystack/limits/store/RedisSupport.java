package io.gatewaystack.limits.store;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.UUID;

/**
 * A real Redis for tests: {@code REDIS_URL} (or 127.0.0.1:6379) when it answers, else an embedded one on a free
 * port. Each test uses its own random key prefix and deletes its keys afterwards.
 */
public final class RedisSupport implements AutoCloseable {

    private final String url;
    private final RedisServer embedded;
    private final RedisClient admin;
    private final StatefulRedisConnection<String, String> connection;
    public final String prefix = "gs:test:" + UUID.randomUUID().toString().substring(0, 8) + ":";

    private RedisSupport(String url, RedisServer embedded) {
        this.url = url;
        this.embedded = embedded;
        this.admin = RedisClient.create(url);
        this.connection = admin.connect();
    }

    /** The shared test Redis (not stopped by {@link #close()} unless it was started here). */
    public static RedisSupport shared() throws IOException {
        String url = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
        if (reachable(url)) {
            return new RedisSupport(url, null);
        }
        return startEmbedded();
    }

    /** A private Redis this test may stop. */
    public static RedisSupport startEmbedded() throws IOException {
        int port = freePort();
        RedisServer server = new RedisServer(port);
        server.start();
        return new RedisSupport("redis://127.0.0.1:" + port, server);
    }

    public String url() {
        return url;
    }

    public StatefulRedisConnection<String, String> admin() {
        return connection;
    }

    /** Stops the embedded server (only for {@link #startEmbedded()}). */
    public void stopServer() throws IOException {
        embedded.stop();
    }

    @Override
    public void close() throws IOException {
        try {
            if (connection.isOpen()) {
                List<String> keys = connection.sync().keys(prefix + "*");
                if (!keys.isEmpty()) {
                    connection.sync().del(keys.toArray(new String[0]));
                }
            }
        } catch (RuntimeException ignored) {
            // the server may be gone already (the failover tests stop it)
        } finally {
            connection.close();
            admin.shutdown();
            if (embedded != null && embedded.isActive()) {
                embedded.stop();
            }
        }
    }

    private static boolean reachable(String url) {
        URI uri = URI.create(url);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() == -1 ? 6379 : uri.getPort()), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
