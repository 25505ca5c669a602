package io.gatewaystack.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Verdict;
import io.gatewaystack.identity.IdentityConfig;
import io.gatewaystack.identity.IdentityLayer;
import io.gatewaystack.identity.IssuerConfig;
import io.gatewaystack.identity.TokenVerifier;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The filter in a real Tomcat, with the real identity layer verifying tokens of a real OIDC server
 * (mock-oauth2-server), a recording layer standing in for audit, and layers that are slow on purpose.
 */
class GatewayStackFilterTest {

    static final String AUDIENCE = "notes-api";

    static MockOAuth2Server idp;
    static TokenVerifier verifier;
    static ExecutorService blocking;
    static HttpClient http;

    Tomcat tomcat;
    int port;
    final LinkedBlockingQueue<RequestContext> completed = new LinkedBlockingQueue<>();

    @BeforeAll
    static void startIdp() throws Exception {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        // The OIDC server's first answer loads a lot of classes: ask once before the verifier (3 s timeouts) does.
        http.send(HttpRequest.newBuilder(URI.create(idp.wellKnownUrl("default").toString())).build(),
                HttpResponse.BodyHandlers.discarding());
        verifier = new TokenVerifier(IdentityConfig.of(List.of(
                IssuerConfig.of(idp.issuerUrl("default").toString(), List.of(AUDIENCE), null))));
        blocking = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void stopIdp() {
        http.close();
        blocking.shutdownNow();
        verifier.close();
        idp.shutdown();
    }

    @AfterEach
    void stopTomcat() throws Exception {
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    /** Records every completed exchange, like the audit layer does. */
    final Layer recorder = new Layer() {
        @Override public String name() { return "recorder"; }
        @Override public Verdict onRequest(RequestContext context) { return Verdict.proceed(); }
        @Override public void onComplete(RequestContext context) { completed.add(context); }
    };

    /** The application: says who it was called by, or answers asynchronously on /async. */
    static final class App extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (req.getRequestURI().equals("/async")) {
                AsyncContext async = req.startAsync();
                CompletableFuture.runAsync(() -> {
                    ((HttpServletResponse) async.getResponse()).setStatus(202);
                    async.complete();
                }, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
                return;
            }
            resp.setContentType("text/plain");
            String who = req.getUserPrincipal() == null ? "nobody" : req.getUserPrincipal().getName();
            resp.getWriter().write(who + " admin=" + req.isUserInRole("admin")
                    + " org=" + (GatewayStackRequest.identity(req) == null ? null : GatewayStackRequest.identity(req).orgId()));
        }
    }

    void start(List<Layer> layers, FilterSettings settings) throws Exception {
        tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("gs-tomcat").toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Wrapper app = Tomcat.addServlet(context, "app", new App());
        app.setAsyncSupported(true);
        context.addServletMappingDecoded("/*", "app");
        FilterDef def = new FilterDef();
        def.setFilterName("gatewaystack");
        def.setFilter(new GatewayStackFilter(layers, settings, "notes"));
        def.setAsyncSupported("true");
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName("gatewaystack");
        map.addURLPattern("/*");
        context.addFilterMap(map);
        tomcat.start();
        port = tomcat.getConnector().getLocalPort();
    }

    void startWithIdentity() throws Exception {
        start(List.of(recorder, new IdentityLayer(verifier, blocking)), FilterSettings.defaults().withExcludedPaths(List.of("/public/*")));
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String token(String subject, Map<String, Object> claims) {
        return idp.issueToken("default", "client-1", new DefaultOAuth2TokenCallback("default", subject, "JWT",
                List.of(AUDIENCE), claims, 300)).serialize();
    }

    RequestContext nextCompleted() throws InterruptedException {
        RequestContext ctx = completed.poll(5, TimeUnit.SECONDS);
        assertThat(ctx).as("completion phase ran").isNotNull();
        return ctx;
    }

    @Test
    void aVerifiedTokenReachesTheApplicationAsItsPrincipal() throws Exception {
        startWithIdentity();
        String token = token("alice", Map.of("roles", List.of("admin"), "org_id", "acme"));
        HttpResponse<String> r = get("/notes", "Authorization", "Bearer " + token, "X-Request-Id", "req-1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("alice admin=true org=acme");
        assertThat(r.headers().firstValue("X-Request-Id")).hasValue("req-1");
        RequestContext ctx = nextCompleted();
        assertThat(ctx.responseStatus()).isEqualTo(200);
        assertThat(ctx.identity().subject()).isEqualTo("alice");
        assertThat(ctx.routeName()).isEqualTo("/notes");

        // the second request is answered from the verifier's cache, synchronously
        assertThat(get("/notes", "Authorization", "Bearer " + token).body()).isEqualTo("alice admin=true org=acme");
    }

    @Test
    void noOrBadTokenIsTheContractsJsonErrorWithAChallenge() throws Exception {
        startWithIdentity();
        HttpResponse<String> missing = get("/notes");
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(missing.body()).startsWith("{\"error\":\"missing_token\",\"error_description\":");
        assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"notes\"");
        assertThat(missing.headers().firstValue("X-Request-Id")).isPresent();
        assertThat(nextCompleted().errorCode()).isEqualTo("missing_token");

        HttpResponse<String> bad = get("/notes", "Authorization", "Bearer not-a-jwt");
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.body()).contains("\"error\":\"invalid_token\"");
        assertThat(bad.headers().firstValue("WWW-Authenticate").orElse("")).contains("error=\"invalid_token\"");
        assertThat(bad.body()).doesNotContain("Exception");
    }

    @Test
    void excludedPathsAndCorsPreflightsPassUntouched() throws Exception {
        startWithIdentity();
        HttpResponse<String> r = get("/public/info");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("nobody");

        HttpRequest preflight = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/notes"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example").header("Access-Control-Request-Method", "DELETE").build();
        assertThat(http.send(preflight, HttpResponse.BodyHandlers.ofString()).body()).startsWith("nobody");
        // an OPTIONS request that is not a preflight is checked like any other
        HttpRequest options = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/notes"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build();
        assertThat(http.send(options, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(nextCompleted().method()).isEqualTo("OPTIONS");
        assertThat(completed.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    /** A raw request line, as an attacker sends it (HTTP clients normalise paths). */
    String rawGet(String path) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void dotSegmentsCannotReachAProtectedPathThroughAnExcludedOne() throws Exception {
        startWithIdentity();
        String traversal = rawGet("/public/../notes");
        assertThat(traversal).startsWith("HTTP/1.1 400").contains("\"error\":\"invalid_request\"").doesNotContain("nobody");
        assertThat(rawGet("/public/x;a=b")).startsWith("HTTP/1.1 400").doesNotContain("nobody");
        assertThat(rawGet("/public/%2e%2e/notes")).startsWith("HTTP/1.1 400").doesNotContain("nobody");
        assertThat(rawGet("/public/info")).startsWith("HTTP/1.1 200").contains("nobody");
    }

    @Test
    void aLayerThatNeverAnswersCostsTheClientTheWaitBoundNotForever() throws Exception {
        CompletableFuture<Verdict> never = new CompletableFuture<>();
        Layer stuck = new Layer() {
            @Override public String name() { return "stuck"; }
            @Override public Verdict onRequest(RequestContext context) { return Verdict.await(never); }
        };
        start(List.of(recorder, stuck), FilterSettings.defaults().withAwaitTimeout(Duration.ofMillis(300)));
        long t0 = System.nanoTime();
        HttpResponse<String> r = get("/notes");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("\"error\":\"unavailable\"");
        assertThat(ms).isBetween(250L, 3_000L);

        // when the stage finally answers, the exchange is recorded as the 503 the client got
        never.complete(Verdict.proceed());
        RequestContext ctx = nextCompleted();
        assertThat(ctx.responseStatus()).isEqualTo(503);
        assertThat(ctx.errorCode()).isEqualTo("unavailable");
    }

    @Test
    void aLayerThatThrowsFailsClosedWithoutAStackTrace() throws Exception {
        Layer broken = new Layer() {
            @Override public String name() { return "broken"; }
            @Override public Verdict onRequest(RequestContext context) { throw new IllegalStateException("boom"); }
        };
        start(List.of(recorder, broken), FilterSettings.defaults());
        HttpResponse<String> r = get("/notes");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("\"error\":\"internal_error\"").doesNotContain("boom");
        assertThat(nextCompleted().errorCode()).isEqualTo(ErrorCode.INTERNAL_ERROR.code());
    }

    @Test
    void anAsynchronousAnswerIsRecordedWhenItEnds() throws Exception {
        startWithIdentity();
        HttpResponse<String> r = get("/async", "Authorization", "Bearer " + token("bob", Map.of()));
        assertThat(r.statusCode()).isEqualTo(202);
        RequestContext ctx = nextCompleted();
        assertThat(ctx.responseStatus()).isEqualTo(202);
        assertThat(ctx.identity().subject()).isEqualTo("bob");
    }
}
