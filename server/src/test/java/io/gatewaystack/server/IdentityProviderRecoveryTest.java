package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gatewaystack.server.http.Ports;
import io.vertx.core.Vertx;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The IdP is down when the gateway starts, then comes back. No token arrives meanwhile (a load balancer sends no
 * traffic to a replica whose health is 503), yet the gateway must become healthy by itself: the failing health
 * checks fetch the keys again in the background.
 */
class IdentityProviderRecoveryTest {

    @Test
    void healthRecoversOnItsOwnWhenTheIdpComesBack() throws Exception {
        Vertx vertx = Vertx.vertx();
        int port = Ports.free();
        HttpServer jwks = null;
        try (TestIssuer signer = new TestIssuer(); Http http = new Http(vertx)) {
            TestGateway gateway = TestGateway.start(vertx, """
                    audit: {enabled: false}
                    server: {host: 127.0.0.1, port: 0, event_loops: 1}
                    identity:
                      issuers:
                        - issuer: %s
                          audiences: [%s]
                          jwks_uri: http://127.0.0.1:%d/jwks.json
                      jwks: {http_timeout_ms: 500, refresh_min_interval_seconds: 0}
                    """.formatted(signer.issuer(), TestIssuer.AUDIENCE, port));
            try {
                assertThat(http.get(gateway.url("/health")).status()).isEqualTo(503);

                // The IdP's keys appear on the configured address (served from the signer's own JWKS).
                String keys = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(signer.jwksUri())).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
                jwks.createContext("/jwks.json", exchange -> {
                    byte[] body = keys.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
                jwks.start();

                int status = 0;
                for (int i = 0; i < 100 && status != 200; i++) { // health checks every 200 ms, as a probe would
                    Thread.sleep(200);
                    status = http.get(gateway.url("/health")).status();
                }
                assertThat(status).isEqualTo(200);
                assertThat(http.get(gateway.url("/protected/ping"), "Authorization",
                        "Bearer " + signer.token("alice", Map.of())).status()).isEqualTo(200);
            } finally {
                gateway.close();
            }
        } finally {
            if (jwks != null) {
                jwks.stop(0);
            }
            vertx.close();
        }
    }
}
