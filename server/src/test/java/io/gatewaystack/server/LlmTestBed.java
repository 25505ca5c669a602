package io.gatewaystack.server;

import io.gatewaystack.server.demo.FakeLlm;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.function.Function;

/**
 * The fixture of the LLM gateway tests: a fake LLM and a dev issuer behind a real gateway on loopback ports, and a
 * client. One per test class; closing it stops everything.
 */
record LlmTestBed(Vertx vertx, TestIssuer issuer, FakeLlm fake, TestGateway gateway, Http http)
        implements AutoCloseable {

    /**
     * @param extraYaml the gateway's {@code llm:} section (and anything else), given the fake's base URL
     *                  ({@code http://127.0.0.1:<port>/v1})
     * @param env       the environment the configuration reads provider keys from
     */
    static LlmTestBed start(Function<String, String> extraYaml, Map<String, String> env) throws Exception {
        Vertx vertx = Vertx.vertx();
        TestIssuer issuer = new TestIssuer();
        FakeLlm fake = FakeLlm.start(vertx, 0);
        String base = "http://127.0.0.1:" + fake.port() + "/v1";
        TestGateway gateway = TestGateway.start(vertx, TestGateway.yaml(issuer, null, extraYaml.apply(base)), env);
        return new LlmTestBed(vertx, issuer, fake, gateway, new Http(vertx));
    }

    /** An {@code Authorization} value for {@code user} with the issuer's default claims. */
    String bearer(String user) {
        return "Bearer " + issuer.token(user, Map.of());
    }

    @Override
    public void close() {
        http.close();
        gateway.close();
        fake.close();
        issuer.close();
        vertx.close();
    }
}
