package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Stopping the gateway (what SIGTERM triggers) lets in-flight requests finish before it closes. */
class GracefulShutdownTest {

    @Test
    void inFlightRequestsCompleteDuringShutdown() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (TestIssuer issuer = new TestIssuer(); Http http = new Http(vertx)) {
            HttpServer slow = vertx.createHttpServer()
                    .requestHandler(req -> vertx.setTimer(800, t -> req.response().end("finished")))
                    .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
            TestGateway gateway = TestGateway.start(vertx, TestGateway.yaml(issuer, "http://127.0.0.1:" + slow.actualPort(),
                    "").replace("response_timeout_ms: 500", "response_timeout_ms: 5000"));
            String token = issuer.token("alice", Map.of());
            CompletableFuture<Http.Response> inFlight = CompletableFuture.supplyAsync(
                    () -> http.get(gateway.url("/proxy/work"), "Authorization", "Bearer " + token));
            Thread.sleep(300); // the request is now waiting on the slow upstream
            long start = System.nanoTime();
            gateway.close();
            long stopMillis = (System.nanoTime() - start) / 1_000_000;
            Http.Response r = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("finished");
            assertThat(stopMillis).isLessThan(5_000);
            assertThat(gateway.accessLog()).contains("\"path\":\"/proxy/work\"");
            // after the stop, the port no longer takes requests
            CompletableFuture<Http.Response> late = CompletableFuture.supplyAsync(() -> http.get(gateway.url("/health")));
            assertThat(late).failsWithin(15, TimeUnit.SECONDS);
        } finally {
            vertx.close();
        }
    }
}
