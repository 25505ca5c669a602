package io.gatewaystack.server.mcp;

import static io.gatewaystack.server.mcp.TestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatewaystack.server.GatewayServer;
import io.gatewaystack.server.config.ConfigLoader;
import io.gatewaystack.server.http.Ports;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The whole gateway (from YAML) with federated upstream MCP servers, over real HTTP:
 * <ul>
 *   <li>upstreams: the official MCP Java SDK's Streamable HTTP server on Jetty (three times, with the three identity
 *       propagation modes), a closed port (down), and a server that answers junk instead of JSON-RPC;</li>
 *   <li>clients: the official MCP Java SDK client after OAuth discovery (401 → protected resource metadata →
 *       authorization server metadata → token from mock-oauth2-server), and raw HTTP for statuses.</li>
 * </ul>
 */
class McpFederationTest {

    private static final String ACCEPT = "application/json, text/event-stream";

    private static Vertx vertx;
    private static MockOAuth2Server oauth;
    private static SdkUpstream upstream;
    private static HttpServer junk;
    private static HttpServer echoBackend;
    private static GatewayServer gateway;
    private static String gw;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        oauth = new MockOAuth2Server();
        oauth.start(InetAddress.getByName("127.0.0.1"), 0);
        upstream = new SdkUpstream();
        // warm the upstream up (JIT, Jetty, Reactor) with the SDK's own client, so cold-start time does not count
        // against the short timeouts below on a busy machine
        try (McpSyncClient direct = McpClient.sync(HttpClientStreamableHttpTransport.builder(upstream.url().replace("/mcp", ""))
                .endpoint("/mcp").build()).requestTimeout(Duration.ofSeconds(20)).build()) {
            direct.initialize();
            assertThat(direct.listTools().tools()).hasSize(4);
        }
        junk = vertx.createHttpServer().requestHandler(r -> r.response().putHeader("Content-Type", "application/json")
                .end("{\"hello\":\"not json-rpc\"}")).listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
        echoBackend = vertx.createHttpServer().requestHandler(r -> r.body().onSuccess(b -> r.response()
                .putHeader("Content-Type", "application/json")
                .end("{\"summary\":\"Echo: " + new io.vertx.core.json.JsonObject(b).getString("message") + "\"}")))
                .listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
        int dead = Ports.free(); // nothing listens there
        String yaml = """
                server: {host: 127.0.0.1, port: 0, event_loops: 1, max_body_bytes: 4096}
                audit: {enabled: false}
                identity:
                  issuers:
                    - {issuer: "%1$s", audiences: [gateway], jwks_uri: "%7$s"}
                mcp:
                  allow_private_backends: true
                  tools:
                    - {name: echo, backend_url: "http://127.0.0.1:%2$d/echo", required_scopes: [tool.echo],
                       input_schema: {type: object, properties: {message: {type: string}}, required: [message]}}
                  upstreams:
                    - {name: headers, url: "%3$s", prefix: hdr, identity: identity_headers, timeout_ms: 2000}
                    - {name: signed, url: "%3$s", prefix: sig, identity: identity_assertion}
                    - {name: hr, url: "%3$s", prefix: hr, identity: token_exchange, required_scopes: [hr.read],
                       token_exchange: {token_url: "%4$s", client_id: gw, client_secret_env: SECRET, audience: upstream-mcp}}
                    - {name: down, url: "http://127.0.0.1:%5$d/mcp", prefix: down, identity: identity_headers, timeout_ms: 1000}
                    - {name: junk, url: "http://127.0.0.1:%6$d/mcp", prefix: junk, identity: identity_headers, timeout_ms: 1000}
                """.formatted(oauth.issuerUrl("users"), echoBackend.actualPort(), upstream.url(),
                oauth.tokenEndpointUrl("exchange"), dead, junk.actualPort(), oauth.jwksUrl("users"));
        var config = ConfigLoader.load(ConfigLoader.parseYaml(yaml, "test"), Map.of("SECRET", "s3cret"));
        gateway = GatewayServer.start(vertx, config, new java.io.ByteArrayOutputStream());
        gw = "http://127.0.0.1:" + gateway.port();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.stop();
        upstream.close();
        junk.close().await(5, TimeUnit.SECONDS);
        echoBackend.close().await(5, TimeUnit.SECONDS);
        oauth.shutdown();
        vertx.close().await(5, TimeUnit.SECONDS);
    }

    private static String token(String sub, String scope) {
        return oauth.issueToken("users", "client", new DefaultOAuth2TokenCallback("users", sub, "JWT", List.of("gateway"),
                Map.of("scope", scope), 300)).serialize();
    }

    /** The discovery an MCP client does by itself: 401 → PRM → authorization server metadata → token endpoint. */
    private static String discoverAndLogIn(String sub, String scope) {
        TestSupport.Response anonymous = post(gw + "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}",
                "Content-Type", "application/json", "Accept", ACCEPT);
        assertThat(anonymous.status()).isEqualTo(401);
        Matcher m = Pattern.compile("resource_metadata=\"([^\"]+)\"").matcher(anonymous.header("WWW-Authenticate"));
        assertThat(m.find()).isTrue();
        JsonNode prm = TestSupport.send("GET", m.group(1), null).json();
        assertThat(prm.get("resource").asString()).endsWith("/mcp");
        assertThat(prm.get("scopes_supported").toString()).contains("hr.read", "tool.echo");
        String issuer = prm.at("/authorization_servers/0").asString();
        JsonNode as = TestSupport.send("GET", issuer + "/.well-known/openid-configuration", null).json();
        String tokenEndpoint = as.get("token_endpoint").asString();
        // the authorization server decides the token's claims (mock-oauth2-server: the next token's callback; for
        // the client credentials grant its subject is the client id)
        oauth.enqueueCallback(new DefaultOAuth2TokenCallback("users", sub, "JWT", List.of("gateway"), Map.of("scope", scope), 300));
        TestSupport.Response issued = post(tokenEndpoint, "grant_type=client_credentials&client_id=" + sub + "&client_secret=x&scope="
                        + URLEncoder.encode(scope, StandardCharsets.UTF_8),
                "Content-Type", "application/x-www-form-urlencoded");
        assertThat(issued.status()).isEqualTo(200);
        return issued.json().get("access_token").asString();
    }

    private static McpSyncClient sdkClient(String token) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(gw)
                .endpoint("/mcp")
                .customizeRequest(b -> b.header("Authorization", "Bearer " + token))
                .build();
        return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(15)).initializationTimeout(Duration.ofSeconds(15))
                .clientInfo(new McpSchema.Implementation("sdk-test", "1.0")).build();
    }

    private static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().getFirst()).text();
    }

    @Test
    void theSdkClientDiscoversLogsInAndCallsLocalAndFederatedTools() throws Exception {
        String token = discoverAndLogIn("alice", "tool.echo hr.read");
        try (McpSyncClient client = sdkClient(token)) {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.serverInfo().name()).isEqualTo("gatewaystack");

            List<String> names = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
            assertThat(names).contains("echo", "hdr__whoami", "hdr__add", "sig__whoami", "hr__whoami")
                    .noneMatch(n -> n.startsWith("down__") || n.startsWith("junk__"));
            assertThat(names.indexOf("echo")).isZero(); // the gateway's own tools first

            McpSchema.CallToolResult echo = client.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "hi")));
            assertThat(text(echo)).isEqualTo("Echo: hi");

            // identity headers: the upstream sees the verified user, and a signed assertion it can check
            McpSchema.CallToolResult who = client.callTool(new McpSchema.CallToolRequest("hdr__whoami", Map.of()));
            assertThat(who.isError()).isFalse();
            assertThat(text(who)).isEqualTo("upstream sees alice");
            // only the assertion: no plain identity header reaches the upstream, the signed one does
            McpSchema.CallToolResult signed = client.callTool(new McpSchema.CallToolRequest("sig__whoami", Map.of()));
            assertThat(text(signed)).isEqualTo("upstream sees null");
            assertThat(signed.structuredContent().toString()).contains("assertion=true");
            String assertion = upstream.assertions.getLast();
            JWKSet jwks = JWKSet.parse(TestSupport.send("GET", gw + "/.well-known/gateway-jwks.json", null).body());
            SignedJWT jwt = SignedJWT.parse(assertion);
            assertThat(jwt.verify(new ECDSAVerifier((ECKey) jwks.getKeyByKeyId(jwt.getHeader().getKeyID())))).isTrue();
            assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("alice");

            // token exchange: the upstream gets a token for itself, on behalf of alice — never alice's own token
            McpSchema.CallToolResult hr = client.callTool(new McpSchema.CallToolRequest("hr__whoami", Map.of()));
            assertThat(hr.isError()).isFalse();
            assertThat(hr.structuredContent().toString()).contains("token_sub=alice", "token_aud=upstream-mcp");
            assertThat(upstream.authorizations).noneMatch(a -> a.equals("Bearer " + token));

            McpSchema.CallToolResult sum = client.callTool(new McpSchema.CallToolRequest("hdr__add", Map.of("a", 2, "b", 40)));
            assertThat(text(sum)).isEqualTo("42");
        }
    }

    private static TestSupport.Response rpc(String token, String session, String body) {
        return session == null
                ? post(gw + "/mcp", body, "Authorization", "Bearer " + token, "Content-Type", "application/json", "Accept", ACCEPT)
                : post(gw + "/mcp", body, "Authorization", "Bearer " + token, "Content-Type", "application/json", "Accept", ACCEPT,
                "Mcp-Session-Id", session, "MCP-Protocol-Version", "2025-06-18");
    }

    private static String initialize(String token) {
        TestSupport.Response r = rpc(token, null, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
        assertThat(r.status()).isEqualTo(200);
        return r.header("Mcp-Session-Id");
    }

    private static String call(int id, String tool, String args) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + args + "}}";
    }

    @Test
    void perUserToolListsAndScopeDenialCoverFederatedTools() {
        String bob = token("bob", "tool.other");
        String s = initialize(bob);
        JsonNode list = rpc(bob, s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").json();
        String tools = list.at("/result/tools").toString();
        assertThat(tools).contains("hdr__whoami").doesNotContain("hr__whoami").doesNotContain("\"echo\"");

        TestSupport.Response denied = rpc(bob, s, call(2, "hr__whoami", "{}"));
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"").contains("scope=\"hr.read\"");
        assertThat(denied.json().at("/error/code").asInt()).isEqualTo(-32001);
        assertThat(denied.json().get("id").asInt()).isEqualTo(2);

        // a federated name the upstream does not have is an unknown tool
        assertThat(rpc(bob, s, call(3, "hdr__nope", "{}")).json().at("/error/code").asInt()).isEqualTo(-32602);
        // the upstream's schema is checked at the gateway (2025-06-18: -32602)
        assertThat(rpc(bob, s, call(4, "hdr__add", "{\"a\":\"x\"}")).json().at("/error/code").asInt()).isEqualTo(-32602);
    }

    @Test
    void upstreamFailuresBecomeErrorResultsAndTheGatewayStaysUp() {
        String carol = token("carol", "tool.echo");
        String s = initialize(carol);

        JsonNode boom = rpc(carol, s, call(1, "hdr__boom", "{}")).json();
        assertThat(boom.at("/result/isError").asBoolean()).isTrue();
        assertThat(boom.at("/result/content/0/text").asString()).isEqualTo("the upstream tool failed on purpose");

        long started = System.nanoTime();
        JsonNode slow = rpc(carol, s, call(2, "hdr__slow", "{}")).json();
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(slow.at("/result/isError").asBoolean()).isTrue();
        assertThat(slow.at("/result/content/0/text").asString()).contains("did not answer within 2000 ms");
        assertThat(tookMs).isLessThan(3_800); // the gateway gave up, it did not wait for the 3 s tool

        JsonNode down = rpc(carol, s, call(3, "down__anything", "{}")).json();
        assertThat(down.at("/result/isError").asBoolean()).isTrue();
        assertThat(down.at("/result/content/0/text").asString()).contains("could not list its tools");

        JsonNode bad = rpc(carol, s, call(4, "junk__anything", "{}")).json();
        assertThat(bad.at("/result/isError").asBoolean()).isTrue();

        // still serving: the local tool and the healthy upstream
        assertThat(rpc(carol, s, call(5, "echo", "{\"message\":\"still here\"}")).json().at("/result/content/0/text").asString())
                .isEqualTo("Echo: still here");
        assertThat(rpc(carol, s, call(6, "hdr__whoami", "{}")).json().at("/result/content/0/text").asString())
                .isEqualTo("upstream sees carol");
        assertThat(rpc(carol, s, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}").json().at("/result/tools").size())
                .isGreaterThan(4);
    }

    @Test
    void malformedAndOversizedMessagesGetJsonRpcErrors() {
        String dave = token("dave", "tool.echo");
        String s = initialize(dave);
        TestSupport.Response parse = rpc(dave, s, "{\"jsonrpc\":\"2.0\",");
        assertThat(parse.status()).isEqualTo(400);
        assertThat(parse.json().at("/error/code").asInt()).isEqualTo(-32700);
        TestSupport.Response notRpc = rpc(dave, s, "{\"jsonrpc\":\"1.0\",\"id\":9,\"method\":\"ping\"}");
        assertThat(notRpc.status()).isEqualTo(400);
        assertThat(notRpc.json().at("/error/code").asInt()).isEqualTo(-32600);
        TestSupport.Response params = rpc(dave, s, "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/call\",\"params\":[1]}");
        assertThat(params.json().at("/error/code").asInt()).isIn(-32600, -32602);
        TestSupport.Response huge = rpc(dave, s, call(11, "echo", "{\"message\":\"" + "x".repeat(10_000) + "\"}"));
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.json().get("jsonrpc").asString()).isEqualTo("2.0");
        assertThat(huge.json().at("/error/data/error").asString()).isEqualTo("payload_too_large");
        // and the gateway goes on
        assertThat(rpc(dave, s, "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"ping\"}").status()).isEqualTo(200);
    }
}
