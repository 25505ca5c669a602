package io.gatewaystack.server.mcp;

import static io.gatewaystack.server.mcp.TestSupport.post;
import static io.gatewaystack.server.mcp.TestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.core.Layer;
import io.gatewaystack.core.Pipeline;
import io.gatewaystack.core.ReadBody;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.ResourceRequest;
import io.gatewaystack.core.Verdict;
import io.gatewaystack.mcp.McpResource;
import io.gatewaystack.mcp.McpServer;
import io.gatewaystack.mcp.McpSessions;
import io.gatewaystack.mcp.RestTools;
import io.gatewaystack.mcp.ToolRegistry;
import io.gatewaystack.mcp.ToolResource;
import io.gatewaystack.proxy.IdentityAssertionSigner;
import io.gatewaystack.proxy.IdentityInjection;
import io.gatewaystack.server.config.TrustedProxies;
import io.gatewaystack.server.demo.StarterTools;
import io.gatewaystack.server.http.ErrorResponder;
import io.gatewaystack.server.http.GatewayRoute;
import io.gatewaystack.server.http.Ports;
import io.gatewaystack.server.http.PublicUrls;
import io.gatewaystack.core.RequestIds;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The MCP route and the REST tool route over real HTTP, assembled as the lead wires them: audit stand-in,
 * identity (a stand-in), read-body, the resource layer, a policy stand-in, the terminals — calling the starter
 * tools backend, which verifies the gateway's signed assertion.
 */
class McpOverHttpTest {

    private static final String ACCEPT = "application/json, text/event-stream";
    private static final String ALL = "Bearer alice:starter.whoami,starter.echo,starter.notes,starter.crm";

    private static Vertx vertx;
    private static HttpServer gateway;
    private static StarterTools starter;
    private static String mcp;
    private static String base;
    /** What the "policy" layer saw: the resource of each request, in order. */
    private static final List<ResourceRequest> seenByPolicy = new CopyOnWriteArrayList<>();
    /** What the "audit" layer saw at completion: status, error code and rejection code. */
    private static final List<String> audited = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        IdentityAssertionSigner signer = TestSupport.signer();
        starter = StarterTools.start(vertx, 0, signer.publicJwksJson(), "a-test-secret-of-enough-length",
                signer.issuer(), signer.audience());
        ToolRegistry registry = new ToolRegistry(StarterTools.definitions(starter.baseUrl()));
        VertxToolInvoker invoker = new VertxToolInvoker(vertx, vertx.createHttpClient(),
                VertxToolInvoker.headersOf(new IdentityInjection(signer, null, cs -> cs)), null, null, 1 << 20);
        McpServer server = new McpServer(registry, null, invoker,
                new McpSessions(McpSessions.randomKey(), Duration.ofHours(1), Clock.systemUTC()),
                new McpServer.Settings("gatewaystack", "test", null, 100, true, Set.of()));
        ErrorResponder errors = new ErrorResponder(new PublicUrls(null, TrustedProxies.none()));
        ErrorResponder mcpErrors = errors.withBodyShape(new McpErrorShape());
        RequestIds ids = new RequestIds();

        Layer audit = new Layer() {
            public String name() { return "audit"; }
            public Verdict onRequest(RequestContext c) { return Verdict.proceed(); }
            public void onComplete(RequestContext c) {
                audited.add(c.responseStatus() + " " + c.errorCode() + " " + (c.rejection() == null ? "allow" : "deny")
                        + " " + (c.resource() == null ? null : c.resource().name()));
            }
        };
        Layer policy = new Layer() {
            public String name() { return "policy"; }
            public Verdict onRequest(RequestContext c) {
                seenByPolicy.add(c.resource());
                return c.resource() != null && "echo".equals(c.resource().name()) && c.identity().subject().equals("mallory")
                        ? Verdict.reject(io.gatewaystack.core.ErrorCode.POLICY_DENIED, "Policy denies echo to mallory.")
                        : Verdict.proceed();
            }
        };
        List<Layer> mcpLayers = new ArrayList<>(List.of(audit, new TestSupport.FakeIdentity(),
                new ReadBody(64 * 1024, false), new McpResource(registry), policy));
        GatewayRoute mcpRoute = new GatewayRoute("mcp", new Pipeline(mcpLayers, (l, p, e) -> { }), new McpTerminal(server),
                mcpErrors, ids, true);
        ToolResource toolResource = new ToolResource(registry, null, "/tools/");
        GatewayRoute restRoute = new GatewayRoute("tools", new Pipeline(List.of(audit, new TestSupport.FakeIdentity(), toolResource,
                new ReadBody(64 * 1024, true), policy), (l, p, e) -> { }),
                new RestToolTerminal(registry, toolResource, new RestTools(invoker), errors), errors, ids, true);

        Router router = Router.router(vertx);
        router.route("/mcp").handler(mcpRoute);
        router.post("/tools/:name").handler(restRoute);
        int port = Ports.free();
        gateway = vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1").await(5, TimeUnit.SECONDS);
        base = "http://127.0.0.1:" + port;
        mcp = base + "/mcp";
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close().await(5, TimeUnit.SECONDS);
        starter.close().await(5, TimeUnit.SECONDS);
        vertx.close().await(5, TimeUnit.SECONDS);
    }

    private static String initialize(String auth, String version) {
        TestSupport.Response r = post(mcp, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
                        + version + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}",
                "Authorization", auth, "Content-Type", "application/json", "Accept", ACCEPT);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().at("/result/protocolVersion").asString()).isEqualTo(version);
        String session = r.header("Mcp-Session-Id");
        assertThat(session).isNotBlank();
        return session;
    }

    private static TestSupport.Response rpc(String auth, String session, String version, String body) {
        return post(mcp, body, "Authorization", auth, "Content-Type", "application/json", "Accept", ACCEPT,
                "Mcp-Session-Id", session, "MCP-Protocol-Version", version);
    }

    private static String call(int id, String tool, String args) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":" + args + "}}";
    }

    @Test
    void fullSessionAgainstTheStarterTools() {
        String v = "2025-06-18";
        String s = initialize(ALL, v);
        assertThat(rpc(ALL, s, v, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").status()).isEqualTo(202);
        JsonNode list = rpc(ALL, s, v, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").json();
        assertThat(list.at("/result/tools")).hasSize(9);

        JsonNode who = rpc(ALL, s, v, call(2, "whoami", "{}")).json();
        assertThat(who.at("/result/isError").asBoolean()).isFalse();
        assertThat(who.at("/result/structuredContent/user/sub").asString()).isEqualTo("alice");
        assertThat(who.at("/result/structuredContent/verified").asBoolean()).isTrue();
        assertThat(who.at("/result/content/0/text").asString()).startsWith("You are alice");

        JsonNode echo = rpc(ALL, s, v, call(3, "echo", "{\"message\":\"hello\"}")).json();
        assertThat(echo.at("/result/content/0/text").asString()).isEqualTo("Echo: hello");
        assertThat(seenByPolicy).contains(new ResourceRequest(ResourceRequest.Kind.TOOL, "echo"));

        rpc(ALL, s, v, call(4, "crmInit", "{}"));
        JsonNode sales = rpc(ALL, s, v, call(5, "crmGetSalesSummary", "{\"year\":2025,\"quarter\":2}")).json();
        assertThat(sales.at("/result/content/0/text").asString()).startsWith("Q2 2025:");

        audited.clear();
        TestSupport.Response cross = rpc(ALL, s, v, call(6, "crmAttemptCrossUserRead", "{\"targetUser\":\"bob\"}"));
        assertThat(cross.status()).isEqualTo(200);
        assertThat(cross.json().at("/result/isError").asBoolean()).isTrue();
        assertThat(cross.json().at("/result/structuredContent/error").asString()).isEqualTo("cross_user_access_denied");
        // completions run after the response: wait (bounded) for this call's record, whatever came before it
        awaitAudit("200 policy_denied deny crmAttemptCrossUserRead");
        assertThat(audited).contains("200 policy_denied deny crmAttemptCrossUserRead");
    }

    private static void awaitAudit(String expected) {
        long until = System.currentTimeMillis() + 5000;
        while (!audited.contains(expected) && System.currentTimeMillis() < until) {
            Thread.onSpinWait();
        }
    }

    @Test
    void perUserToolListsAndScopeStepUp() {
        String bob = "Bearer bob:starter.echo";
        String s = initialize(bob, "2025-11-25");
        JsonNode list = rpc(bob, s, "2025-11-25", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").json();
        assertThat(list.at("/result/tools")).hasSize(1);
        assertThat(list.at("/result/tools/0/name").asString()).isEqualTo("echo");
        TestSupport.Response denied = rpc(bob, s, "2025-11-25", call(7, "crmInit", "{}"));
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"").contains("scope=\"starter.crm\"");
        assertThat(denied.json().at("/error/code").asInt()).isEqualTo(-32001);
        assertThat(denied.json().get("id").asInt()).isEqualTo(7);
        assertThat(denied.json().at("/error/data/required_scopes/0").asString()).isEqualTo("starter.crm");
        // a session is bound to its user
        assertThat(rpc(ALL, s, "2025-11-25", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").status()).isEqualTo(404);
        // 2025-11-25: invalid arguments are a tool error the model can read
        JsonNode invalid = rpc(bob, s, "2025-11-25", call(8, "echo", "{\"msg\":1}")).json();
        assertThat(invalid.at("/result/isError").asBoolean()).isTrue();
        // policy denial keeps the status and renders JSON-RPC
        String m = "Bearer mallory:starter.echo";
        TestSupport.Response policy = rpc(m, initialize(m, "2025-06-18"), "2025-06-18", call(9, "echo", "{\"message\":\"x\"}"));
        assertThat(policy.status()).isEqualTo(403);
        assertThat(policy.json().at("/error/code").asInt()).isEqualTo(-32001);
        assertThat(policy.json().at("/error/data/error").asString()).isEqualTo("policy_denied");
    }

    @Test
    void unauthenticatedAndMalformed() {
        TestSupport.Response noToken = post(mcp, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}",
                "Content-Type", "application/json", "Accept", ACCEPT);
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(noToken.header("WWW-Authenticate")).startsWith("Bearer resource_metadata=\"")
                .contains("/.well-known/oauth-protected-resource/mcp");
        assertThat(noToken.json().at("/error/code").asInt()).isEqualTo(-32001);

        String s = initialize(ALL, "2025-06-18");
        TestSupport.Response parse = rpc(ALL, s, "2025-06-18", "{broken");
        assertThat(parse.status()).isEqualTo(400);
        assertThat(parse.json().at("/error/code").asInt()).isEqualTo(-32700);
        TestSupport.Response invalid = rpc(ALL, s, "2025-06-18", "{\"jsonrpc\":\"2.0\",\"id\":5}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().at("/error/code").asInt()).isEqualTo(-32600);
        assertThat(invalid.json().get("id").asInt()).isEqualTo(5);
        TestSupport.Response batch = rpc(ALL, s, "2025-06-18", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]");
        assertThat(batch.status()).isEqualTo(400);
        assertThat(rpc(ALL, s, "2025-06-18", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"nope\"}").json().at("/error/code").asInt())
                .isEqualTo(-32601);
        assertThat(send("GET", mcp, null, "Authorization", ALL, "Accept", "text/event-stream").status()).isEqualTo(405);
        assertThat(send("DELETE", mcp, null, "Authorization", ALL, "Mcp-Session-Id", s).status()).isEqualTo(405);
        TestSupport.Response sse = post(mcp, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}", "Authorization", ALL,
                "Content-Type", "application/json", "Accept", "text/event-stream", "Mcp-Session-Id", s);
        assertThat(sse.header("Content-Type")).startsWith("text/event-stream");
        assertThat(sse.body()).startsWith("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}");
    }

    @Test
    void batchesIn20250326AllowOneToolCall() {
        String s = initialize(ALL, "2025-03-26");
        TestSupport.Response ok = post(mcp, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}," + call(2, "echo", "{\"message\":\"b\"}") + "]",
                "Authorization", ALL, "Content-Type", "application/json", "Accept", ACCEPT, "Mcp-Session-Id", s);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json()).hasSize(2);
        assertThat(ok.json().get(1).at("/result/content/0/text").asString()).isEqualTo("Echo: b");
        TestSupport.Response two = post(mcp, "[" + call(1, "echo", "{\"message\":\"a\"}") + "," + call(2, "whoami", "{}") + "]",
                "Authorization", ALL, "Content-Type", "application/json", "Accept", ACCEPT, "Mcp-Session-Id", s);
        assertThat(two.status()).isEqualTo(400);
        assertThat(two.json().at("/error/code").asInt()).isEqualTo(-32600);
    }

    @Test
    void restToolGateway() {
        TestSupport.Response ok = post(base + "/tools/echo", "{\"message\":\"hi\"}", "Authorization", ALL, "Content-Type", "application/json");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("ok").asBoolean()).isTrue();
        assertThat(ok.json().at("/data/message").asString()).isEqualTo("hi");
        assertThat(ok.json().get("sub").asString()).isEqualTo("alice");
        assertThat(ok.json().get("requestId").asString()).isEqualTo(ok.header("X-Request-Id"));
        assertThat(post(base + "/tools/nope", "{}", "Authorization", ALL, "Content-Type", "application/json").status()).isEqualTo(404);
        TestSupport.Response scope = post(base + "/tools/crmInit", "{}", "Authorization", "Bearer bob:starter.echo", "Content-Type", "application/json");
        assertThat(scope.status()).isEqualTo(403);
        assertThat(scope.json().get("error").asString()).isEqualTo("insufficient_scope");
        TestSupport.Response cross = post(base + "/tools/crmAttemptCrossUserRead", "{\"targetUser\":\"x\"}", "Authorization", ALL,
                "Content-Type", "application/json");
        assertThat(cross.status()).isEqualTo(403);
        assertThat(cross.json().at("/error/code").asString()).isEqualTo("FN_403");
        assertThat(post(base + "/tools/echo", "{}", "Authorization", ALL, "Content-Type", "application/json").status()).isEqualTo(400);
    }
}
