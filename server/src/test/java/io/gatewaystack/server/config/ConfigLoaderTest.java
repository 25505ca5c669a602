package io.gatewaystack.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    private static final String FILE = """
            server:
              port: 9000
              trusted_proxies: [10.0.0.0/8, "::1"]
            identity:
              issuers:
                - issuer: https://corp.example/
                  audiences: [https://api.corp]
                  algorithms: [RS256, ES256]
                  claims: {org: ["https://corp.example/org"], roles: [realm_access.roles]}
                - issuer: https://chatgpt-idp.example
                  audiences: [https://gateway/mcp]
            proxy:
              target: http://backend:3000/api
            """;

    private static GatewayConfig load(String yaml, Map<String, String> env) {
        return ConfigLoader.load(ConfigLoader.parseYaml(yaml, "test"), env);
    }

    @Test
    void readsTheFileWithSeveralIssuersAndTheirOwnMappings() {
        GatewayConfig c = load(FILE, Map.of());
        assertThat(c.mode()).isEqualTo(GatewayConfig.Mode.PRODUCTION);
        assertThat(c.server().port()).isEqualTo(9000);
        assertThat(c.server().maxBodyBytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(c.identity().issuers()).hasSize(2);
        assertThat(c.identity().issuers().get(0).algorithms()).containsExactlyInAnyOrder("RS256", "ES256");
        assertThat(c.identity().issuers().get(0).claims().orgClaims()).containsExactly("https://corp.example/org");
        assertThat(c.identity().issuers().get(1).audiences()).containsExactly("https://gateway/mcp");
        assertThat(c.proxy().target().getPath()).isEqualTo("/api");
        assertThat(c.proxy().injectHeader()).isEqualTo("X-User-Id");
        assertThat(c.server().trustedProxies().contains("10.1.2.3")).isTrue();
        assertThat(c.server().trustedProxies().contains("11.1.2.3")).isFalse();
        assertThat(c.server().trustedProxies().contains("0:0:0:0:0:0:0:1")).isTrue();
    }

    @Test
    void environmentVariablesOverrideTheFile() {
        GatewayConfig c = load(FILE, Map.of(
                "PORT", "7070",
                "OAUTH_ISSUER", "https://tenant.auth0.com/",
                "OAUTH_AUDIENCE", "https://a, https://b",
                "OAUTH_ENFORCE_ALG", "RS256,PS256",
                "OAUTH_SCOPES", "openid email",
                "PROXY_TARGET", "https://other:8443",
                "PROXY_INJECT_HEADER", "X-Auth-Sub",
                "TOOL_SCOPES_JSON", "{\"crm\":[\"crm:read\"]}"));
        assertThat(c.server().port()).isEqualTo(7070);
        assertThat(c.identity().issuers().get(0).issuer()).isEqualTo("https://tenant.auth0.com/");
        assertThat(c.identity().issuers().get(0).audiences()).containsExactly("https://a", "https://b");
        assertThat(c.identity().issuers().get(0).algorithms()).containsExactlyInAnyOrder("RS256", "PS256");
        assertThat(c.identity().issuers().get(1).issuer()).isEqualTo("https://chatgpt-idp.example");
        assertThat(c.scopesSupported()).containsExactly("openid", "email");
        assertThat(c.proxy().targetIsTls()).isTrue();
        assertThat(c.proxy().injectHeader()).isEqualTo("X-Auth-Sub");
        assertThat(c.toolScopes()).containsEntry("crm", List.of("crm:read"));
    }

    @Test
    void environmentAloneIsEnough() {
        GatewayConfig c = ConfigLoader.load(ConfigLoader.emptyTree(),
                Map.of("OAUTH_ISSUER", "https://idp.example", "OAUTH_AUDIENCE", "api", "DEMO_MODE", "false"));
        assertThat(c.identity().issuers()).hasSize(1);
        assertThat(c.proxy()).isNull();
        assertThat(c.server().port()).isEqualTo(8080);
    }

    @Test
    void everyProblemNamesItsKey() {
        Map<String, String> base = Map.of("OAUTH_ISSUER", "https://idp.example");
        assertProblem("", base, "identity.issuers[0].audiences", "OAUTH_AUDIENCE");
        assertProblem("", Map.of("OAUTH_ISSUER", "https://idp.example", "OAUTH_AUDIENCE", ""), "identity.issuers[0].audiences", "never means");
        assertProblem("", Map.of(), "identity.issuers", "OAUTH_ISSUER");
        assertProblem("server: {prot: 1}", base, "server.prot", "unknown key");
        assertProblem("server: {port: 70000}", Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a"), "server.port", "between 0 and 65535");
        assertProblem("", Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a", "PORT", "eighty"), "server.port", "whole number");
        assertProblem("", Map.of("OAUTH_ISSUER", "ftp://i", "OAUTH_AUDIENCE", "a"), "identity.issuers[0].issuer", "http");
        assertProblem("", Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a", "OAUTH_ENFORCE_ALG", "HS256"),
                "identity.issuers[0]", "HS256");
        assertProblem("", Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a", "OAUTH_ENFORCE_ALG", "none"),
                "identity.issuers[0]", "none");
        assertProblem("", Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a", "TOOL_SCOPES_JSON", "{bad"),
                "TOOL_SCOPES_JSON", "JSON");
        assertProblem("", Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a", "PROXY_TARGET", "file:///etc"),
                "proxy.target", "http");
        assertProblem("server: {trusted_proxies: [not-an-ip]}", Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a"),
                "server.trusted_proxies[0]", "not an IP");
        assertProblem("mode: staging", Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a"), "mode", "production");
    }

    @Test
    void malformedYamlNamesTheLine() {
        assertThatThrownBy(() -> ConfigLoader.parseYaml("server:\n  port: [1,\n", "gw.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("gw.yaml").hasMessageContaining("line");
    }

    private static void assertProblem(String yaml, Map<String, String> env, String key, String text) {
        assertThatThrownBy(() -> load(yaml, env))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key))
                .hasMessageContaining(text);
    }
}
