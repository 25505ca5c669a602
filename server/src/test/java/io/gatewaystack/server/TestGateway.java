package io.gatewaystack.server;

import io.gatewaystack.server.config.ConfigLoader;
import io.gatewaystack.server.config.GatewayConfig;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A real gateway on a free loopback port, configured from YAML text, with its access log captured. */
final class TestGateway implements AutoCloseable {

    private final GatewayServer server;
    private final ByteArrayOutputStream accessLog;

    private TestGateway(GatewayServer server, ByteArrayOutputStream accessLog) {
        this.server = server;
        this.accessLog = accessLog;
    }

    static TestGateway start(Vertx vertx, String yaml) {
        return start(vertx, yaml, Map.of());
    }

    static TestGateway start(Vertx vertx, String yaml, Map<String, String> env) {
        GatewayConfig config = ConfigLoader.load(ConfigLoader.parseYaml(yaml, "test config"), env);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        OutputStream synced = new OutputStream() {
            @Override public void write(int b) { synchronized (log) { log.write(b); } }
            @Override public void write(byte[] b, int off, int len) { synchronized (log) { log.write(b, off, len); } }
        };
        return new TestGateway(GatewayServer.start(vertx, config, synced), log);
    }

    /** A minimal YAML config: one issuer, optional proxy target, free port, 1 event loop. */
    static String yaml(TestIssuer issuer, String proxyTarget, String extra) {
        return """
                server:
                  host: 127.0.0.1
                  port: 0
                  event_loops: 1
                  shutdown_grace_seconds: 5
                identity:
                  issuers:
                    - issuer: %s
                      audiences: [%s]
                      jwks_uri: %s
                  scopes_supported: [openid, tool:read]
                audit:
                  dir: %s
                %s
                %s
                """.formatted(issuer.issuer(), TestIssuer.AUDIENCE, issuer.jwksUri(), tempDir(),
                proxyTarget == null ? "" : "proxy:\n  target: " + proxyTarget + "\n  response_timeout_ms: 500",
                extra == null ? "" : extra);
    }

    /** A fresh directory for one gateway's audit spool and store. */
    static String tempDir() {
        try {
            return java.nio.file.Files.createTempDirectory("gw-audit").toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    int port() {
        return server.port();
    }

    GatewayServer server() {
        return server;
    }

    /** The access log so far (the writer is asynchronous: poll with a bounded wait when asserting). */
    String accessLog() {
        synchronized (accessLog) {
            return accessLog.toString(StandardCharsets.UTF_8);
        }
    }

    String awaitAccessLogLine(String fragment) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            for (String line : accessLog().split("\n")) {
                if (line.contains(fragment)) {
                    return line;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no access log line containing " + fragment + " in:\n" + accessLog());
    }

    @Override
    public void close() {
        server.stop();
    }
}
