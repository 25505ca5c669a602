package io.gatewaystack.server.admin;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.server.http.ErrorResponder;
import io.gatewaystack.server.http.JsonBodies;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the admin API answers: JSON bodies that are never cached, errors in the contract's shape, and blocking
 * reads (JDBC) run on the worker pool with the answer written back on the request's event loop.
 */
final class Replies {

    private static final Logger log = LoggerFactory.getLogger(Replies.class);

    private final Executor blocking;
    private final ErrorResponder errors;

    Replies(Executor blocking, ErrorResponder errors) {
        this.blocking = blocking;
        this.errors = errors;
    }

    static void json(HttpServerRequest request, int status, Object body) {
        request.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(JsonBodies.encode(body));
    }

    void error(HttpServerRequest request, RequestContext ctx, ErrorCode code, String description) {
        errors.send(request, ctx, GatewayError.of(code, description));
    }

    /**
     * Runs {@code work} on a worker, then {@code done} on the event loop. A thrown IllegalArgumentException is the
     * caller's mistake (400 with its message); anything else is a store problem (503, logged).
     */
    <T> void offLoop(HttpServerRequest request, RequestContext ctx, Callable<T> work, Consumer<T> done) {
        Context eventLoop = Vertx.currentContext();
        CompletableFuture<T> f;
        try {
            f = CompletableFuture.supplyAsync(() -> {
                try {
                    return work.call();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, blocking);
        } catch (RejectedExecutionException full) {
            error(request, ctx, ErrorCode.UNAVAILABLE, "The gateway is busy; try again shortly.");
            return;
        }
        f.whenComplete((value, failure) -> eventLoop.runOnContext(v -> {
            if (request.response().ended() || request.response().closed()) {
                return;
            }
            if (failure == null) {
                done.accept(value);
                return;
            }
            Throwable cause = io.gatewaystack.core.Failures.unwrap(failure);
            if (cause instanceof IllegalArgumentException bad) {
                error(request, ctx, ErrorCode.INVALID_REQUEST, bad.getMessage());
            } else {
                log.warn("admin API {} failed: {}", request.path(), io.gatewaystack.core.Failures.rootMessage(cause));
                error(request, ctx, ErrorCode.UNAVAILABLE, "The audit store cannot be read right now.");
            }
        }));
    }
}
