package io.gatewaystack.server.demo;

import io.gatewaystack.server.GatewayServer;
import io.gatewaystack.server.config.ConfigLoader;
import io.gatewaystack.server.config.GatewayConfig;
import io.vertx.core.Vertx;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ./gatewaystack demo}: a dev token issuer, an echo backend and the gateway wired to both, in one
 * process, with nothing to configure. Ports: {@code PORT} (8080), {@code DEMO_ISSUER_PORT} (5051),
 * {@code DEMO_ECHO_PORT} (3333), {@code DEMO_LLM_PORT} (3334, the fake LLM), {@code DEMO_TOOLS_PORT} (3335, the
 * starter's MCP tools); 0 picks free ones. Any other environment variable of the contract still
 * applies on top of the demo defaults (e.g. {@code PROXY_TARGET} to put your own backend behind it).
 */
public final class DemoMode {

    private final DemoIssuer issuer;
    private final EchoBackend echo;
    private final FakeLlm llm;
    private final StarterTools tools;
    private final GatewayServer gateway;

    private DemoMode(DemoIssuer issuer, EchoBackend echo, FakeLlm llm, StarterTools tools, GatewayServer gateway) {
        this.issuer = issuer;
        this.echo = echo;
        this.llm = llm;
        this.tools = tools;
        this.gateway = gateway;
    }

    /** Starts everything; blocking. */
    public static DemoMode start(Vertx vertx, Map<String, String> env, OutputStream accessLog) throws Exception {
        DemoIssuer issuer = DemoIssuer.start(vertx, port(env, "DEMO_ISSUER_PORT", 5051));
        EchoBackend echo = EchoBackend.start(vertx, port(env, "DEMO_ECHO_PORT", 3333));
        FakeLlm llm = FakeLlm.start(vertx, port(env, "DEMO_LLM_PORT", 3334));
        String chunkDelay = env.get("DEMO_LLM_CHUNK_DELAY_MS"); // slow streams, for bench/streams.sh
        if (chunkDelay != null && chunkDelay.matches("\\d{1,5}")) {
            llm.chunkDelay(Long.parseLong(chunkDelay));
        }
        Map<String, String> withKey = new java.util.HashMap<>(env);
        withKey.putIfAbsent(DEMO_LLM_KEY_ENV, "demo-provider-key"); // the fake provider's key, never the user's token
        // The starter tools verify the gateway's signed identity assertion, so the demo makes the signing key first.
        java.nio.file.Path dataDir = demoDataDir(env);
        com.nimbusds.jose.jwk.ECKey assertionKey = io.gatewaystack.proxy.IdentityAssertionSigner.generateKey();
        java.nio.file.Path keyFile = dataDir.resolve("assertion-key.json");
        java.nio.file.Files.writeString(keyFile, assertionKey.toJSONString());
        StarterTools tools = StarterTools.start(vertx, port(env, "DEMO_TOOLS_PORT", 3335),
                new com.nimbusds.jose.jwk.JWKSet(assertionKey.toPublicJWK()).toString(),
                java.util.UUID.randomUUID().toString());
        ObjectNode tree = demoTree(issuer, echo, llm, env);
        ((ObjectNode) tree.get("audit")).put("dir", dataDir.toString())
                .put("enabled", !"off".equalsIgnoreCase(env.getOrDefault("DEMO_AUDIT", "on"))); // off: benchmarks of the rest
        tree.putObject("identity_assertion").put("key_file", keyFile.toString());
        if ("off".equalsIgnoreCase(env.getOrDefault("DEMO_RESPONSE_SCANNING", "on"))) {
            // benchmarks of time to first token: streamed answers are otherwise sent holdback_chars late
            ((ObjectNode) tree.get("transform").get("response")).put("enabled", false);
        }
        GatewayConfig config = ConfigLoader.load(tree, withKey);
        config = config.withMcp(config.mcp().withMoreTools(StarterTools.definitions(tools.baseUrl()), true));
        GatewayServer gateway = GatewayServer.start(vertx, config, accessLog);
        return new DemoMode(issuer, echo, llm, tools, gateway);
    }

    /** The demo defaults, as if they came from a config file. */
    static final String DEMO_LLM_KEY_ENV = "DEMO_LLM_API_KEY";

    static ObjectNode demoTree(DemoIssuer issuer, EchoBackend echo, FakeLlm llm, Map<String, String> env) {
        ObjectNode root = ConfigLoader.emptyTree();
        root.put("mode", "demo");
        ObjectNode server = root.putObject("server");
        server.put("host", "127.0.0.1");
        server.put("port", port(env, "PORT", 8080));
        ObjectNode identity = root.putObject("identity");
        ObjectNode iss = identity.putArray("issuers").addObject();
        iss.put("issuer", issuer.issuer());
        iss.putArray("audiences").add(DemoIssuer.AUDIENCE);
        iss.put("jwks_uri", issuer.jwksUri());
        identity.putArray("scopes_supported").add("tool:read").add("tool:write");
        root.putObject("proxy").put("target", "http://127.0.0.1:" + echo.port());
        root.putObject("audit").put("dir", demoDataDir(env).toString());
        // The fake LLM speaks both APIs; "demo-smart" is an alias that prefers the Anthropic-speaking side, so a
        // client of either API sees translation at work. PII is pseudonymised on the way to the model and restored
        // on the way back: the echo model shows what the provider saw.
        ObjectNode llmNode = root.putObject("llm");
        ObjectNode providers = llmNode.putObject("providers");
        String base = "http://127.0.0.1:" + llm.port() + "/v1";
        for (String[] p : new String[][] {{"fake-openai", "openai"}, {"fake-anthropic", "anthropic"}}) {
            ObjectNode provider = providers.putObject(p[0]);
            provider.put("kind", p[1]);
            provider.put("base_url", base);
            provider.put("allow_private", true);
            provider.put("data_policy", "internal");
            provider.putObject("auth").put("mode", "api_key").put("env", DEMO_LLM_KEY_ENV);
        }
        ObjectNode models = llmNode.putObject("models");
        models.putObject("echo").putArray("targets").add("fake-openai/echo");
        models.putObject("demo-smart").putArray("targets").add("fake-anthropic/echo").add("fake-openai/echo");
        ObjectNode transform = root.putObject("transform");
        transform.put("block_threshold", 101);
        transform.putObject("actions").put("email", "pseudonymize").put("phone", "pseudonymize")
                .put("credit_card", "pseudonymize").put("iban", "pseudonymize");
        // answers and tool results are scanned too: an SSN the user typed goes to the model or tool as it is
        // (annotated), but is redacted in what comes back
        transform.putObject("response").putObject("actions").put("ssn", "placeholder");
        return root;
    }

    /** The demo keeps its audit trail out of the way: DEMO_DATA_DIR, else a fresh temporary folder. */
    static java.nio.file.Path demoDataDir(Map<String, String> env) {
        String dir = env.get("DEMO_DATA_DIR");
        try {
            return dir != null && !dir.isBlank() ? java.nio.file.Path.of(dir)
                    : java.nio.file.Files.createTempDirectory("gatewaystack-demo");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            int p = Integer.parseInt(v.trim());
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new io.gatewaystack.server.config.ConfigException(name, "must be a port number (0-65535), got '" + v + "'");
    }

    public DemoIssuer issuer() {
        return issuer;
    }

    public EchoBackend echo() {
        return echo;
    }

    /** The fake LLM behind the demo's models (tests read what the provider saw). */
    public FakeLlm llm() {
        return llm;
    }

    public GatewayServer gateway() {
        return gateway;
    }

    /** The banner with a ready token and curl lines to paste. */
    public void printWelcome(PrintStream out) {
        String gw = "http://127.0.0.1:" + gateway.port();
        String token = issuer.mint("demo-user", Map.of("scope",
                "tool:read tool:write starter.whoami starter.echo starter.notes starter.crm", "org_id", "demo-org",
                "roles", List.of("developer")), 3600);
        out.println("""
                ================================================================================
                  GatewayStack DEMO MODE - not for production.
                  Anyone on this machine can mint tokens at the dev issuer. /health says "mode":"demo".
                ================================================================================
                  gateway       %1$s
                  console       %1$s/admin/   (one-click login as admin, tenant admin or user)
                  dev issuer    %2$s   (POST /mint, /authorize + /token with PKCE, JWKS, discovery)
                  echo backend  http://127.0.0.1:%3$d   (behind %1$s/proxy/)
                  fake LLM      models "echo" and "demo-smart" on %1$s/v1/chat/completions, /v1/messages, /v1/responses
                  MCP tools     whoami, echo, notes, CRM on %1$s/mcp and %1$s/tools/{name}

                  A token for demo-user (scopes tool:read tool:write starter.*, org demo-org, valid 1 hour):

                export TOKEN=%4$s

                  Try:
                curl -s %1$s/protected/ping -H "Authorization: Bearer $TOKEN"
                curl -s %1$s/proxy/echo?hello=world -H "Authorization: Bearer $TOKEN" -H "X-User-Id: someone-else"
                curl -s -X POST %1$s/protected/echo -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"hello":"gateway"}'
                curl -si %1$s/protected/ping
                curl -s %1$s/.well-known/oauth-protected-resource
                curl -s -X POST %2$smint -H 'Content-Type: application/json' -d '{"sub":"alice","scope":"tool:read","org_id":"acme"}'
                curl -s %1$s/v1/chat/completions -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"model":"demo-smart","messages":[{"role":"user","content":"Hi, I am jane@example.com"}]}'
                  (the fake LLM echoes what it received: the model saw <EMAIL_1>, you get your address back)
                curl -si -X POST %1$s/mcp -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'
                  (then send its Mcp-Session-Id and MCP-Protocol-Version: 2025-06-18 headers with tools/list and tools/call)
                curl -s -X POST %1$s/tools/whoami -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{}'
                ./gatewaystack usage --by user --since 1d --store %5$s
                ./gatewaystack audit verify --store %5$s
                ================================================================================
                """.formatted(gw, issuer.issuer(), echo.port(), token, gateway.config().audit().dir().resolve("audit.db")));
        out.flush();
    }

    /** Graceful stop of the gateway, then the demo servers. Blocking. */
    public void stop() {
        gateway.stop();
        try {
            llm.close().await(5, TimeUnit.SECONDS);
            tools.close().await(5, TimeUnit.SECONDS);
            echo.close().await(5, TimeUnit.SECONDS);
            issuer.close().await(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
