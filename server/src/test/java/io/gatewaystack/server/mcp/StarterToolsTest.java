package io.gatewaystack.server.mcp;

import static io.gatewaystack.server.mcp.TestSupport.post;
import static io.gatewaystack.server.mcp.TestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatewaystack.mcp.ToolDefinition;
import io.gatewaystack.proxy.IdentityAssertionSigner;
import io.gatewaystack.server.demo.StarterTools;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class StarterToolsTest {

    private static final String SECRET = "a-test-secret-of-enough-length";
    private static Vertx vertx;
    private static IdentityAssertionSigner signer;
    private static StarterTools tools;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        signer = TestSupport.signer();
        tools = StarterTools.start(vertx, 0, signer.publicJwksJson(), SECRET, "https://gateway.test", "starter-tools");
    }

    @AfterAll
    static void stop() throws Exception {
        tools.close().await(5, TimeUnit.SECONDS);
        vertx.close().await(5, TimeUnit.SECONDS);
    }

    private static TestSupport.Response call(String tool, String args, String assertion) {
        return assertion == null
                ? post(tools.baseUrl() + "/" + tool, args, "Content-Type", "application/json")
                : post(tools.baseUrl() + "/" + tool, args, "Content-Type", "application/json", "X-Gateway-Identity", assertion);
    }

    private static String as(String sub, String... scopes) {
        return signer.sign(user(sub, scopes));
    }

    @Test
    void refusesToStartWithoutASecret() {
        assertThatThrownBy(() -> StarterTools.start(vertx, 0, signer.publicJwksJson(), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StarterTools.start(vertx, 0, signer.publicJwksJson(), " "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsOnlyTheGatewaysSignedAssertion() {
        TestSupport.Response ok = call("whoami", "{}", as("alice", "starter.whoami"));
        assertThat(ok.status()).isEqualTo(200);
        JsonNode body = ok.json();
        assertThat(body.at("/user/sub").asString()).isEqualTo("alice");
        assertThat(body.get("verified").asBoolean()).isTrue();
        assertThat(body.at("/authorization/issuer").asString()).isEqualTo("https://gateway.test");

        assertThat(call("whoami", "{}", null).status()).isEqualTo(401);
        TestSupport.Response bareHeader = post(tools.baseUrl() + "/whoami", "{}", "X-User-Id", "alice", "X-User-Scopes", "starter.whoami");
        assertThat(bareHeader.status()).isEqualTo(401);
        IdentityAssertionSigner forger = TestSupport.signer(); // same claims, another key
        TestSupport.Response forged = call("whoami", "{}", forger.sign(user("alice", "starter.whoami")));
        assertThat(forged.status()).isEqualTo(401);
        assertThat(forged.json().get("error").asString()).isEqualTo("invalid_identity_assertion");
        String real = as("alice", "starter.whoami");
        String tampered = real.substring(0, real.lastIndexOf('.') - 4) + "AAAA" + real.substring(real.lastIndexOf('.'));
        assertThat(call("whoami", "{}", tampered).status()).isEqualTo(401);
        IdentityAssertionSigner otherAudience = new IdentityAssertionSigner(IdentityAssertionSigner.generateKey(),
                "https://gateway.test", "another-backend", java.time.Duration.ofMinutes(5), java.time.Clock.systemUTC());
        assertThat(call("whoami", "{}", otherAudience.sign(user("alice", "starter.whoami"))).status()).isEqualTo(401);
        assertThat(call("whoami", "{}", as("alice", "starter.echo")).status()).isEqualTo(403);
        assertThat(call("nope", "{}", as("alice", "starter.whoami")).status()).isEqualTo(404);
    }

    @Test
    void notesAreScopedToTheUser() {
        String a = as("auth0|notes-a", "starter.notes");
        String b = as("auth0|notes-b", "starter.notes");
        assertThat(call("seedMyNotes", "{\"count\":3}", a).json().get("summary").asString()).isEqualTo("Seeded 3 notes.");
        assertThat(call("listMyNotes", "{}", a).json().get("notes")).hasSize(3);
        assertThat(call("listMyNotes", "{}", b).json().get("notes")).isEmpty();
        assertThat(call("addNote", "{\"text\":\"hello from B\"}", b).status()).isEqualTo(200);
        assertThat(call("listMyNotes", "{}", b).json().get("summary").asString()).isEqualTo("You have 1 notes.");
        assertThat(call("listMyNotes", "{}", a).json().get("notes")).hasSize(3);
        assertThat(call("addNote", "{\"text\":\"  \"}", b).status()).isEqualTo(400);
    }

    @Test
    void crmIsPerUserAndCrossUserReadsAreRefused() {
        String a = as("crm-a", "starter.crm");
        JsonNode init = call("crmInit", "{}", a).json();
        assertThat(init.at("/welcome/seeded").asBoolean()).isTrue();
        int created = init.at("/welcome/createdDeals").asInt();
        assertThat(created).isBetween(40, 79);
        assertThat(call("crmInit", "{}", a).json().at("/welcome/seeded").asBoolean()).isFalse();
        JsonNode summary = call("crmGetSalesSummary", "{\"year\":2025,\"quarter\":2}", a).json();
        assertThat(summary.get("summary").asString()).startsWith("Q2 2025: $").contains("won deals");
        assertThat(summary.at("/range/start").asString()).isEqualTo("2025-04-01");
        JsonNode again = call("crmGetSalesSummary", "{\"year\":2025,\"quarter\":2}", a).json();
        assertThat(again.get("revenue_cents").asLong()).isEqualTo(summary.get("revenue_cents").asLong());
        TestSupport.Response cross = call("crmAttemptCrossUserRead", "{\"targetUser\":\"crm-b\"}", a);
        assertThat(cross.status()).isEqualTo(403);
        assertThat(cross.json().get("error").asString()).isEqualTo("cross_user_access_denied");
        assertThat(cross.body()).doesNotContain("crm-a\"");
        assertThat(call("crmExplainAccess", "{}", a).json().get("yourDeals").asInt()).isEqualTo(created);
    }

    @Test
    void definitionsCarryScopesAndStrictSchemas() {
        assertThat(StarterTools.definitions("http://127.0.0.1:1")).extracting(ToolDefinition::name).containsExactly(
                "whoami", "echo", "seedMyNotes", "listMyNotes", "addNote", "crmInit", "crmGetSalesSummary",
                "crmExplainAccess", "crmAttemptCrossUserRead");
        for (ToolDefinition d : StarterTools.definitions("http://127.0.0.1:1/")) {
            assertThat(d.requiredScopes()).singleElement().asString().startsWith("starter.");
            assertThat(d.inputSchema().get("additionalProperties").asBoolean(true)).isFalse();
            assertThat(d.backendUrl()).isEqualTo("http://127.0.0.1:1/" + d.name());
        }
    }
}
