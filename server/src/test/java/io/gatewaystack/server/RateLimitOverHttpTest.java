package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.limits.store.RedisSupport;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The seed's RATE_LIMIT_WINDOW_MS / RATE_LIMIT_MAX over real HTTP: per verified user, exact across replicas. */
class RateLimitOverHttpTest {

    @Test
    void eachUserGetsTheirOwnWindowWithHeadersAndA429AfterTheCap() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (TestIssuer issuer = new TestIssuer(); Http http = new Http(vertx);
             TestGateway gateway = TestGateway.start(vertx, TestGateway.yaml(issuer, null, ""),
                     Map.of("RATE_LIMIT_MAX", "3", "RATE_LIMIT_WINDOW_MS", "60000"))) {
            String alice = "Bearer " + issuer.token("alice", Map.of());
            for (int i = 0; i < 3; i++) {
                Http.Response ok = http.get(gateway.url("/protected/ping"), "Authorization", alice);
                assertThat(ok.status()).isEqualTo(200);
                assertThat(ok.header("X-RateLimit-Limit")).isEqualTo("3");
                assertThat(ok.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(2 - i));
                assertThat(ok.header("RateLimit-Policy")).contains("per-user").contains("q=3").contains("w=60");
            }
            Http.Response limited = http.get(gateway.url("/protected/ping"), "Authorization", alice);
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.json().get("error").asString()).isEqualTo("rate_limited");
            assertThat(limited.json().get("limit").asString()).isEqualTo("per-user");
            assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 60L);
            assertThat(limited.header("X-RateLimit-Remaining")).isEqualTo("0");

            // another user has their own window; requests without a valid token never count
            assertThat(http.get(gateway.url("/protected/ping"), "Authorization", "Bearer " + issuer.token("bob", Map.of())).status())
                    .isEqualTo(200);
            assertThat(http.get(gateway.url("/protected/ping")).status()).isEqualTo(401);
            assertThat(gateway.awaitAccessLogLine("\"error\":\"rate_limited\"")).contains("\"sub\":\"alice\"", "\"status\":429");
        } finally {
            vertx.close();
        }
    }

    @Test
    void twoReplicasSharingRedisAdmitExactlyTheCapTogether() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (RedisSupport redis = RedisSupport.shared(); TestIssuer issuer = new TestIssuer(); Http http = new Http(vertx)) {
            String yaml = TestGateway.yaml(issuer, null, "limits:\n  redis_key_prefix: \"" + redis.prefix + "\"");
            Map<String, String> env = Map.of("RATE_LIMIT_MAX", "7", "RATE_LIMIT_WINDOW_MS", "60000", "REDIS_URL", redis.url());
            try (TestGateway one = TestGateway.start(vertx, yaml, env); TestGateway two = TestGateway.start(vertx, yaml, env)) {
                String alice = "Bearer " + issuer.token("alice", Map.of());
                List<CompletableFuture<Integer>> calls = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    TestGateway target = i % 2 == 0 ? one : two;
                    calls.add(CompletableFuture.supplyAsync(
                            () -> http.get(target.url("/protected/ping"), "Authorization", alice).status()));
                }
                List<Integer> statuses = new ArrayList<>();
                for (CompletableFuture<Integer> call : calls) {
                    statuses.add(call.get(30, TimeUnit.SECONDS));
                }
                assertThat(statuses).filteredOn(s -> s == 200).hasSize(7);
                assertThat(statuses).filteredOn(s -> s == 429).hasSize(13);
            }
        } finally {
            vertx.close();
        }
    }
}
