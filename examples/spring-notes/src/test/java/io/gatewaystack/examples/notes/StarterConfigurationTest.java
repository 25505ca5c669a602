package io.gatewaystack.examples.notes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatewaystack.spring.PolicyFiles;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The starter's configuration in a real Spring Boot start: a set-up that cannot work stops the start with a message
 * naming the property, and a policy file on disk is reloaded while the application runs.
 */
class StarterConfigurationTest {

    static MockOAuth2Server idp;
    static HttpClient http;

    @TempDir
    Path dir;

    @BeforeAll
    static void startIdp() throws Exception {
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
        http.send(HttpRequest.newBuilder(idp.wellKnownUrl("default").uri()).build(), HttpResponse.BodyHandlers.discarding());
    }

    @AfterAll
    static void stopIdp() {
        idp.shutdown();
        http.close();
    }

    ConfigurableApplicationContext start(String... extra) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
                "--gatewaystack.audit.enabled=false", "--gatewaystack.limits.redis-url=",
                "--gatewaystack.identity.issuers[0].issuer=" + idp.issuerUrl("default"),
                "--gatewaystack.identity.issuers[0].audiences[0]=notes-api"));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(NotesApplication.class).run(args.toArray(String[]::new));
    }

    static Throwable root(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static List<String> causes(Throwable t) {
        List<String> messages = new ArrayList<>();
        for (; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return messages;
    }

    @Test
    void withoutAnIssuerTheApplicationDoesNotStart() {
        assertThatThrownBy(() -> start("--gatewaystack.identity.issuers="))
                .satisfies(e -> assertThat(root(e).getMessage())
                        .isEqualTo("gatewaystack.identity.issuers must name at least one token issuer (or set gatewaystack.enabled=false)"));
    }

    @Test
    void aPolicyThatDoesNotLoadStopsTheStartNamingFileAndLine() throws Exception {
        Path policy = Files.writeString(dir.resolve("bad.yaml"), """
                rules:
                  - id: read
                    effect: allow
                    when: {method: GET, colour: blue}
                """);
        assertThatThrownBy(() -> start("--gatewaystack.policy.path=" + policy))
                .satisfies(e -> assertThat(causes(e))
                        .anySatisfy(m -> assertThat(m).startsWith("gatewaystack.policy.path: invalid policy:")
                                .contains("bad.yaml:4: rule read: unknown field 'colour'")));
    }

    @Test
    void aPolicyFileOnDiskIsReloadedWhileTheApplicationRuns() throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, """
                rules:
                  - {id: read, effect: allow, when: {method: GET}}
                """);
        try (ConfigurableApplicationContext app = start("--gatewaystack.policy.path=" + policy,
                "--gatewaystack.policy.reload-interval=1h")) { // reloads here only on demand: no timing in the test
            int port = ((ServletWebServerApplicationContext) app).getWebServer().getPort();
            String token = idp.issueToken("default", "c", new DefaultOAuth2TokenCallback("default", "eve", "JWT",
                    List.of("notes-api"), Map.of("scope", "notes:write"), 300)).serialize();
            HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/notes"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hi\"}")).build();
            assertThat(http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);

            Files.writeString(policy, """
                    rules:
                      - {id: read, effect: allow, when: {method: GET}}
                      - {id: write, effect: allow, when: {method: POST, scopes: "notes:write"}}
                    """);
            assertThat(app.getBean(PolicyFiles.class).reloadNow()).isTrue();
            assertThat(http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(201);

            // a broken edit keeps the last good policy in force
            Files.writeString(policy, "rules: [ {id: write, effect: maybe} ]");
            assertThat(app.getBean(PolicyFiles.class).reloadNow()).isFalse();
            assertThat(http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(201);
        }
    }
}
