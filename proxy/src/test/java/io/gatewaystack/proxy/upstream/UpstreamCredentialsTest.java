package io.gatewaystack.proxy.upstream;

import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gatewaystack.core.Identity;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UpstreamCredentialsTest {

    static final SecretValue SECRET = SecretValue.of("s3cr:t+/= very-secret");

    static ExecutorService executor;
    static MockOAuth2Server oauth;

    @BeforeAll
    static void startAll() throws Exception {
        executor = Executors.newFixedThreadPool(4);
        oauth = new MockOAuth2Server();
        oauth.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    @AfterAll
    static void stopAll() {
        oauth.shutdown();
        executor.shutdownNow();
    }

    /** A clock the test moves by hand. */
    static final class TestClock extends Clock {
        volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** A scripted RFC 6749 / RFC 8693 token endpoint recording every request. */
    static final class TokenEndpoint implements AutoCloseable {
        record Request(String authorization, Map<String, String> form) {
        }

        final HttpServer server;
        final List<Request> requests = new CopyOnWriteArrayList<>();
        final AtomicInteger counter = new AtomicInteger();
        volatile Function<Request, Response> script = r -> ok("token-" + counter.get(), 3600);
        volatile CountDownLatch gate = null;

        record Response(int status, String body, String location) {
        }

        static Response ok(String token, long expiresIn) {
            return new Response(200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                    + expiresIn + "}", null);
        }

        TokenEndpoint() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/token", this::handle);
            server.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
        }

        private void handle(HttpExchange exchange) throws IOException {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> form = new LinkedHashMap<>();
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            Request request = new Request(exchange.getRequestHeaders().getFirst("Authorization"), form);
            requests.add(request);
            counter.incrementAndGet();
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Response response = script.apply(request);
            byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (response.location() != null) {
                exchange.getResponseHeaders().add("Location", response.location());
            }
            exchange.sendResponseHeaders(response.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        }

        @Override
        public void close() {
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    TokenEndpoint endpoint;
    TestClock clock;
    UpstreamCredentials credentials;

    @BeforeEach
    void setUp() throws IOException {
        endpoint = new TokenEndpoint();
        clock = new TestClock();
        credentials = new UpstreamCredentials(executor, null, clock, Duration.ofSeconds(2),
                UpstreamCredentials.DEFAULT_REFRESH_SKEW, 100);
    }

    @AfterEach
    void tearDown() {
        credentials.close();
        endpoint.close();
    }

    static Map<String, String> get(java.util.concurrent.CompletionStage<Map<String, String>> stage) {
        return stage.toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }

    static Throwable failure(java.util.concurrent.CompletionStage<Map<String, String>> stage) {
        try {
            stage.toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("stage did not fail");
    }

    static Identity user(String subject, Instant expiresAt) {
        return new Identity(subject, "https://idp.example", null, null, List.of(), List.of(), null, null, null, null,
                expiresAt, Map.of());
    }

    UpstreamAuth.ServiceOAuth service() {
        return new UpstreamAuth.ServiceOAuth(endpoint.uri(), "gateway client", SECRET, "llm.invoke", "https://llm");
    }

    UpstreamAuth.UserOAuth exchange() {
        return new UpstreamAuth.UserOAuth(endpoint.uri(), "gateway client", SECRET, "https://llm", "llm.invoke");
    }

    // ------------------------------------------------------------------------------------------------ static modes

    @Test
    void apiKeyNoneAndForwardBearer() {
        SecretValue key = SecretValue.fromEnv("ANTHROPIC_API_KEY", Map.of("ANTHROPIC_API_KEY", " sk-ant-123\n"));
        assertThat(get(credentials.headersFor(new UpstreamAuth.ApiKey("x-api-key", key), null, null)))
                .containsExactly(Map.entry("x-api-key", "sk-ant-123"));
        assertThat(get(credentials.headersFor(UpstreamAuth.ApiKey.bearer(SecretValue.of("sk-1")), null, null)))
                .containsExactly(Map.entry("Authorization", "Bearer sk-1"));
        assertThat(get(credentials.headersFor(UpstreamAuth.ApiKey.bearer(SecretValue.of("Bearer sk-2")), null, null)))
                .containsExactly(Map.entry("Authorization", "Bearer sk-2"));
        assertThat(get(credentials.headersFor(new UpstreamAuth.None(), "user-token", null))).isEmpty();
        assertThat(get(credentials.headersFor(new UpstreamAuth.ForwardBearer(), "eyJ.user.token", null)))
                .containsExactly(Map.entry("Authorization", "Bearer eyJ.user.token"));
        assertThat(endpoint.counter.get()).isZero();
    }

    @Test
    void forwardBearerAndExchangeWithoutATokenFail() {
        assertThat(failure(credentials.headersFor(new UpstreamAuth.ForwardBearer(), null, null)))
                .isInstanceOf(UpstreamAuthException.class)
                .hasMessage("forward_bearer needs the client's bearer token, and the request has none");
        assertThat(failure(credentials.headersFor(new UpstreamAuth.ForwardBearer(), "Bearer x", null)))
                .isInstanceOf(UpstreamAuthException.class);
        assertThat(failure(credentials.headersFor(exchange(), "", user("u", null))))
                .isInstanceOf(UpstreamAuthException.class)
                .hasMessageStartingWith("user_oauth needs the client's bearer token");
        assertThat(endpoint.counter.get()).isZero();
    }

    @Test
    void apiKeyValidation() {
        assertThatThrownBy(() -> new UpstreamAuth.ApiKey("x api key", SecretValue.of("k")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UpstreamAuth.ApiKey("x-api-key", SecretValue.of("k\r\nX-Evil: 1")))
                .isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain("k\r\n");
    }

    // ------------------------------------------------------------------------------------------------ secrets

    @Test
    void secretsNeverAppearInToStringOrErrors(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("openai.key");
        Files.writeString(file, "sk-from-file\n");
        SecretValue fromFile = SecretValue.fromFile(file);
        assertThat(fromFile.reveal()).isEqualTo("sk-from-file");
        assertThat(fromFile.toString()).isEqualTo("SecretValue[file:" + file + "]").doesNotContain("sk-from-file");

        SecretValue fromEnv = SecretValue.fromEnv("OPENAI_API_KEY", Map.of("OPENAI_API_KEY", "sk-from-env"));
        assertThat(fromEnv.toString()).isEqualTo("SecretValue[env:OPENAI_API_KEY]");
        assertThat(SecretValue.of("sk-literal").toString()).isEqualTo("SecretValue[literal]");

        List<UpstreamAuth> modes = List.of(new UpstreamAuth.ApiKey("x-api-key", fromEnv), service(), exchange(),
                UpstreamAuth.ApiKey.bearer(fromFile));
        for (UpstreamAuth mode : modes) {
            assertThat(mode.toString()).doesNotContain("sk-from-env", "sk-from-file", SECRET.reveal(), "s3cr");
        }

        assertThatThrownBy(() -> SecretValue.fromEnv("MISSING", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("secret environment variable MISSING is not set");
        Path empty = dir.resolve("empty");
        Files.writeString(empty, "  \n");
        assertThatThrownBy(() -> SecretValue.fromFile(empty)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SecretValue.fromFile(dir.resolve("absent"))).isInstanceOf(java.io.UncheckedIOException.class);

        // A failing token request names neither the client secret nor the user's token.
        endpoint.script = r -> new TokenEndpoint.Response(400,
                "{\"error\":\"invalid_grant\",\"error_description\":\"bad subject\"}", null);
        Throwable e = failure(credentials.headersFor(exchange(), "user-token-abc", user("u1", null)));
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        assertThat(all.toString()).contains("invalid_grant").doesNotContain("user-token-abc", "s3cr", "very-secret");
    }

    // ------------------------------------------------------------------------------------------------ service_oauth

    @Test
    void clientCredentialsRequestIsWellFormed() {
        Map<String, String> headers = get(credentials.headersFor(service(), null, null));
        assertThat(headers).containsExactly(Map.entry("Authorization", "Bearer token-1"));

        TokenEndpoint.Request request = endpoint.requests.getFirst();
        assertThat(request.form()).containsExactly(
                Map.entry("grant_type", "client_credentials"),
                Map.entry("scope", "llm.invoke"),
                Map.entry("audience", "https://llm"));
        // client_secret_basic with form-encoded id and secret (RFC 6749 §2.3.1)
        String basic = new String(Base64.getDecoder().decode(request.authorization().substring("Basic ".length())),
                StandardCharsets.UTF_8);
        assertThat(basic).isEqualTo("gateway+client:s3cr%3At%2B%2F%3D+very-secret");
    }

    @Test
    void serviceTokenIsCachedAndRefreshedShortlyBeforeExpiry() {
        get(credentials.headersFor(service(), null, null));
        assertThat(get(credentials.headersFor(service(), "ignored", user("someone", null))))
                .containsExactly(Map.entry("Authorization", "Bearer token-1"));
        assertThat(endpoint.counter.get()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(3600 - 31)); // still more than the 30 s skew left
        assertThat(get(credentials.headersFor(service(), null, null))).containsValue("Bearer token-1");
        assertThat(endpoint.counter.get()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(2)); // within 30 s of expiry: refresh
        assertThat(get(credentials.headersFor(service(), null, null))).containsValue("Bearer token-2");
        assertThat(endpoint.counter.get()).isEqualTo(2);
        assertThat(get(credentials.headersFor(service(), null, null))).containsValue("Bearer token-2");
        assertThat(endpoint.counter.get()).isEqualTo(2);
    }

    @Test
    void shortLivedTokensRefreshAtHalfTheirLifetime() {
        endpoint.script = r -> TokenEndpoint.ok("short-" + endpoint.counter.get(), 20);
        get(credentials.headersFor(service(), null, null));
        clock.advance(Duration.ofSeconds(9));
        assertThat(get(credentials.headersFor(service(), null, null))).containsValue("Bearer short-1");
        clock.advance(Duration.ofSeconds(2));
        assertThat(get(credentials.headersFor(service(), null, null))).containsValue("Bearer short-2");
    }

    @Test
    void concurrentCallersShareOneRequest() throws Exception {
        endpoint.gate = new CountDownLatch(1);
        List<CompletableFuture<Map<String, String>>> calls = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService callers = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<CompletableFuture<Map<String, String>>>> submitted = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                submitted.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return credentials.headersFor(service(), null, null).toCompletableFuture();
                }, callers));
            }
            start.countDown();
            for (var s : submitted) {
                calls.add(s.get(10, TimeUnit.SECONDS));
            }
            assertThat(calls).allMatch(c -> !c.isDone()); // all waiting on the one gated request
            endpoint.gate.countDown();
            for (var c : calls) {
                assertThat(c.get(10, TimeUnit.SECONDS)).containsExactly(Map.entry("Authorization", "Bearer token-1"));
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(endpoint.counter.get()).isEqualTo(1);
        assertThat(credentials.tokenRequestCount()).isEqualTo(1);
    }

    @Test
    void failuresAreReportedToAllWaitersAndNotCached() {
        endpoint.gate = new CountDownLatch(1);
        endpoint.script = r -> endpoint.counter.get() == 1
                ? new TokenEndpoint.Response(500, "{\"error\":\"temporarily_unavailable\"}", null)
                : TokenEndpoint.ok("token-" + endpoint.counter.get(), 3600);
        var first = credentials.headersFor(service(), null, null);
        var second = credentials.headersFor(service(), null, null);
        endpoint.gate.countDown();
        endpoint.gate = null;
        assertThat(failure(first)).isInstanceOf(UpstreamAuthException.class)
                .hasMessage("client credentials at " + endpoint.uri() + ": HTTP 500: temporarily_unavailable");
        assertThat(failure(second)).isInstanceOf(UpstreamAuthException.class);
        assertThat(endpoint.counter.get()).isEqualTo(1);
        assertThat(credentials.cachedTokenCount()).isZero();

        assertThat(get(credentials.headersFor(service(), null, null))).containsValue("Bearer token-2");
        assertThat(endpoint.counter.get()).isEqualTo(2);
    }

    @Test
    void unusableResponsesFail() {
        endpoint.script = r -> new TokenEndpoint.Response(200, "not json", null);
        assertThat(failure(credentials.headersFor(service(), null, null)))
                .hasMessageEndingWith(": response is not a JSON object");
        endpoint.script = r -> new TokenEndpoint.Response(200, "{\"token_type\":\"Bearer\"}", null);
        assertThat(failure(credentials.headersFor(service(), null, null)))
                .hasMessageEndingWith(": response has no usable access_token");
        endpoint.script = r -> new TokenEndpoint.Response(200, "{\"access_token\":\"a\\r\\nX: y\"}", null);
        assertThat(failure(credentials.headersFor(service(), null, null)))
                .hasMessageEndingWith(": response has no usable access_token");
        endpoint.script = r -> new TokenEndpoint.Response(200, "{\"access_token\":\"a\",\"token_type\":\"N_A\"}", null);
        assertThat(failure(credentials.headersFor(service(), null, null)))
                .hasMessageEndingWith(": token_type N_A is not Bearer");
        endpoint.script = r -> new TokenEndpoint.Response(302, "{}", "http://169.254.169.254/");
        assertThat(failure(credentials.headersFor(service(), null, null)))
                .hasMessageEndingWith(": HTTP 302"); // redirects are not followed
        assertThat(credentials.cachedTokenCount()).isZero();
    }

    @Test
    void slowEndpointTimesOutAndUnreachableEndpointFails() throws Exception {
        endpoint.gate = new CountDownLatch(1); // never released: the 2 s request timeout fires
        assertThat(failure(credentials.headersFor(service(), null, null)))
                .isInstanceOf(UpstreamAuthException.class).hasMessageEndingWith(": timed out");
        endpoint.gate.countDown();

        URI closed;
        try (var socket = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/token");
        }
        var auth = new UpstreamAuth.ServiceOAuth(closed, "c", SECRET, null, null);
        assertThat(failure(credentials.headersFor(auth, null, null)))
                .isInstanceOf(UpstreamAuthException.class).hasMessageContaining("request failed (ConnectException)");
    }

    @Test
    void invalidateDropsTheCachedToken() {
        get(credentials.headersFor(service(), null, null));
        credentials.invalidate(service());
        assertThat(get(credentials.headersFor(service(), null, null))).containsValue("Bearer token-2");
    }

    // ------------------------------------------------------------------------------------------------ user_oauth

    @Test
    void tokenExchangeRequestIsWellFormed() {
        Map<String, String> headers = get(credentials.headersFor(exchange(), "user-access-token", user("alice", null)));
        assertThat(headers).containsExactly(Map.entry("Authorization", "Bearer token-1"));
        TokenEndpoint.Request request = endpoint.requests.getFirst();
        assertThat(request.form()).containsExactly(
                Map.entry("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
                Map.entry("subject_token", "user-access-token"),
                Map.entry("subject_token_type", "urn:ietf:params:oauth:token-type:access_token"),
                Map.entry("requested_token_type", "urn:ietf:params:oauth:token-type:access_token"),
                Map.entry("audience", "https://llm"),
                Map.entry("scope", "llm.invoke"));
        assertThat(request.authorization()).startsWith("Basic ");
    }

    @Test
    void exchangedTokensAreCachedPerUserAndUserToken() {
        assertThat(get(credentials.headersFor(exchange(), "tok-alice", user("alice", null)))).containsValue("Bearer token-1");
        assertThat(get(credentials.headersFor(exchange(), "tok-bob", user("bob", null)))).containsValue("Bearer token-2");
        assertThat(get(credentials.headersFor(exchange(), "tok-alice", user("alice", null)))).containsValue("Bearer token-1");
        assertThat(get(credentials.headersFor(exchange(), "tok-bob", user("bob", null)))).containsValue("Bearer token-2");
        assertThat(endpoint.counter.get()).isEqualTo(2);
        // alice's client presents a new token: a new exchange, never bob's token
        assertThat(get(credentials.headersFor(exchange(), "tok-alice-2", user("alice", null)))).containsValue("Bearer token-3");
        // the service token is a separate cache entry
        assertThat(get(credentials.headersFor(service(), null, null))).containsValue("Bearer token-4");
        assertThat(endpoint.counter.get()).isEqualTo(4);
    }

    @Test
    void exchangedTokenIsNotReusedPastTheUserTokensExpiry() {
        Identity alice = user("alice", clock.instant().plusSeconds(60));
        get(credentials.headersFor(exchange(), "tok-alice", alice));
        clock.advance(Duration.ofSeconds(59));
        assertThat(get(credentials.headersFor(exchange(), "tok-alice", alice))).containsValue("Bearer token-1");
        clock.advance(Duration.ofSeconds(2));
        assertThat(get(credentials.headersFor(exchange(), "tok-alice", alice))).containsValue("Bearer token-2");
    }

    @Test
    void cacheIsBounded() {
        UpstreamCredentials small = new UpstreamCredentials(executor, null, clock, Duration.ofSeconds(2),
                Duration.ofSeconds(30), 3);
        try {
            for (int i = 0; i < 10; i++) {
                get(small.headersFor(exchange(), "tok-" + i, user("u" + i, null)));
            }
            assertThat(small.cachedTokenCount()).isLessThanOrEqualTo(4);
        } finally {
            small.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ real OAuth server

    /**
     * The real server's first answers can take seconds on a busy machine (its JIT is cold): these tests use the
     * production timeout, not the stub tests' short one.
     */
    private UpstreamCredentials withProductionTimeout() {
        credentials.close();
        credentials = new UpstreamCredentials(executor, null, clock, UpstreamCredentials.DEFAULT_REQUEST_TIMEOUT,
                UpstreamCredentials.DEFAULT_REFRESH_SKEW, 100);
        return credentials;
    }

    @Test
    void clientCredentialsAgainstMockOAuth2Server() throws Exception {
        UpstreamCredentials credentials = withProductionTimeout();
        recordedRequests();
        URI tokenEndpoint = oauth.tokenEndpointUrl("default").uri();
        var auth = new UpstreamAuth.ServiceOAuth(tokenEndpoint, "gateway", SECRET, "llm.invoke", null);
        String header = get(credentials.headersFor(auth, null, null)).get("Authorization");
        SignedJWT jwt = SignedJWT.parse(header.substring("Bearer ".length()));
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("gateway");
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(oauth.issuerUrl("default").toString());
        assertThat(recordedRequests()).isEqualTo(1);

        assertThat(get(credentials.headersFor(auth, null, null)).get("Authorization")).isEqualTo(header);
        assertThat(recordedRequests()).isZero(); // served from the cache
    }

    @Test
    void tokenExchangeAgainstMockOAuth2Server() throws Exception {
        UpstreamCredentials credentials = withProductionTimeout();
        recordedRequests();
        String userToken = oauth.issueToken("default", "alice", "client-app", Map.of("scope", "openid")).serialize();
        URI tokenEndpoint = oauth.tokenEndpointUrl("default").uri();
        var auth = new UpstreamAuth.UserOAuth(tokenEndpoint, "gateway", SECRET, "https://llm.internal", "llm.invoke");
        String header = get(credentials.headersFor(auth, userToken, user("alice", null))).get("Authorization");
        SignedJWT exchanged = SignedJWT.parse(header.substring("Bearer ".length()));
        assertThat(exchanged.serialize()).isNotEqualTo(userToken);
        assertThat(exchanged.getJWTClaimsSet().getSubject()).isEqualTo("alice");
        assertThat(exchanged.getJWTClaimsSet().getAudience()).containsExactly("https://llm.internal");
        var recorded = takeRecorded();
        assertThat(recorded).hasSize(1);
        assertThat(recorded.getFirst().getHeader("Authorization")).startsWith("Basic ");
        assertThat(recorded.getFirst().getBody().readUtf8())
                .contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange")
                .contains("subject_token=" + userToken);

        assertThat(get(credentials.headersFor(auth, userToken, user("alice", null))).get("Authorization"))
                .isEqualTo(header);
        assertThat(recordedRequests()).isZero();
    }

    /** Takes the requests the mock server recorded since the last call and counts them. */
    private static int recordedRequests() {
        return takeRecorded().size();
    }

    private static List<okhttp3.mockwebserver.RecordedRequest> takeRecorded() {
        List<okhttp3.mockwebserver.RecordedRequest> out = new ArrayList<>();
        while (true) {
            try {
                out.add(oauth.takeRequest(200, TimeUnit.MILLISECONDS));
            } catch (RuntimeException e) { // "no request found in queue within timeout"
                return out;
            }
        }
    }
}
