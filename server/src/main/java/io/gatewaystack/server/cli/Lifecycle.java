package io.gatewaystack.server.cli;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/** Runs until SIGTERM/SIGINT, then stops gracefully (draining in-flight requests) before the JVM exits. */
final class Lifecycle {

    private Lifecycle() {
    }

    static Vertx newVertx(int eventLoops) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops).setPreferNativeTransport(true));
        LoggerFactory.getLogger(Lifecycle.class).info("transport: {}", vertx.isNativeTransportEnabled() ? "native (epoll)" : "Java NIO");
        return vertx;
    }

    /** Blocks the calling thread until a shutdown signal has been handled. */
    static void runUntilShutdown(Vertx vertx, Runnable gracefulStop) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LoggerFactory.getLogger(Lifecycle.class).info("shutting down: draining in-flight requests");
            try {
                gracefulStop.run();
                vertx.close().await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LoggerFactory.getLogger(Lifecycle.class).warn("shutdown: {}", e.toString());
            } finally {
                stopped.countDown();
            }
        }, "gateway-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
