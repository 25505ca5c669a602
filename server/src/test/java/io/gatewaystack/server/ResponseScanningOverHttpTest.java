package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.server.demo.FakeLlm;
import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Response scanning and per-route transform settings over real HTTP. The fake LLM answers with the last user
 * message it got, so the answer carries what the request let through: the email is pseudonymised on the way
 * in (and must come back as the user wrote it, unredacted, although the answer's email action is mask), the phone
 * number passes the request (annotate) and is redacted in the answer, a card number is blocked in the answer. The
 * streamed answers arrive in word-sized events, so the phone number is split over several of them.
 */
class ResponseScanningOverHttpTest {

    static Vertx vertx;
    static TestIssuer issuer;
    static FakeLlm fake;
    static TestBackend backend;
    static TestGateway gateway;
    static TestGateway unscanned;
    static Http http;
    static String alice;

    static final String PROMPT = "Mail bob@example.com or call +44 20 7946 0958 today";
    static final String SHOWN = "Mail bob@example.com or call [PHONE] today";

    static String config(String llmRoute) {
        return config(fake, llmRoute);
    }

    /** The LLM routes on {@code fake} with {@code llmRoute} as their transform settings (shared with the tool-call test). */
    static String config(FakeLlm fake, String llmRoute) {
        String base = "http://127.0.0.1:" + fake.port() + "/v1";
        return """
                llm:
                  backoff_ms: 1
                  providers:
                    openai-like: {kind: openai, base_url: %1$s, allow_private: true, timeout_ms: 2000,
                                  auth: {mode: api_key, env: FAKE_KEY}}
                    anthropic-like: {kind: anthropic, base_url: %1$s, allow_private: true, timeout_ms: 2000,
                                     auth: {mode: api_key, env: FAKE_KEY}}
                  models:
                    echo: {targets: [openai-like/echo]}
                    claude-echo: {targets: [anthropic-like/echo]}
                transform:
                  block_threshold: 101
                  actions: {email: pseudonymize}
                  routes:
                    llm: %2$s
                    protected.echo: {block_threshold: 20}
                    proxy:
                      response: {actions: {phone: placeholder, ssn: block}, holdback_chars: 4096}
                """.formatted(base, llmRoute);
    }

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        issuer = new TestIssuer();
        fake = FakeLlm.start(vertx, 0);
        backend = new TestBackend(vertx);
        String scanned = "{response: {actions: {phone: placeholder, email: mask, credit_card: block}}}";
        String proxy = "http://127.0.0.1:" + backend.port();
        gateway = TestGateway.start(vertx, TestGateway.yaml(issuer, proxy, config(scanned))
                .replace("response_timeout_ms: 500", "response_timeout_ms: 2000\n  inspect_bodies: true"), Map.of("FAKE_KEY", "k"));
        unscanned = TestGateway.start(vertx, TestGateway.yaml(issuer, null, config("{response: {enabled: false}}")), Map.of("FAKE_KEY", "k"));
        http = new Http(vertx);
        alice = issuer.token("alice", Map.of("scope", "llm:chat tool:write"));
    }

    @AfterAll
    static void stop() {
        http.close();
        gateway.close();
        unscanned.close();
        backend.close();
        fake.close();
        issuer.close();
        vertx.close();
    }

    private static Http.Response post(TestGateway g, String path, String body) {
        return http.post(g.url(path), body, "Authorization", "Bearer " + alice, "Content-Type", "application/json");
    }

    private static String openAi(String model, String text, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }

    /** The text of an OpenAI stream (delta contents joined). */
    private static String openAiStreamText(String sse) {
        StringBuilder text = new StringBuilder();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode content = Http.JSON.readTree(line.substring(6)).path("choices").path(0).path("delta").path("content");
                if (content.isString()) text.append(content.asString());
            }
        }
        return text.toString();
    }

    @Test
    void aWholeAnswerIsScannedBeforeThePseudonymsComeBack() {
        Http.Response r = post(gateway, "/v1/chat/completions", openAi("echo", PROMPT, false));
        assertThat(r.status()).isEqualTo(200);
        assertThat(fake.lastRequestBody()).contains("<EMAIL_1>").doesNotContain("bob@example.com");
        assertThat(r.json().at("/choices/0/message/content").asString()).isEqualTo(SHOWN);
        // the request pseudonymised an email, the answer had a phone number redacted
        assertThat(r.header("X-GatewayStack-Redacted")).isEqualTo("email=1,phone=1");
    }

    @Test
    void aStreamedAnswerIsScannedAcrossEventsInTheOpenAiFormat() {
        Http.Response r = post(gateway, "/v1/chat/completions", openAi("claude-echo", PROMPT, true));
        assertThat(r.status()).isEqualTo(200);
        assertThat(openAiStreamText(r.body())).isEqualTo(SHOWN);
        assertThat(r.body()).doesNotContain("7946").contains("data: [DONE]")
                .contains(": X-GatewayStack-Redacted phone=1");
        assertThat(r.header("X-GatewayStack-Redacted")).isEqualTo("email=1"); // sent before the answer was known
    }

    @Test
    void aStreamedAnswerIsScannedAcrossEventsInTheAnthropicFormat() {
        String body = "{\"model\":\"echo\",\"max_tokens\":100,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";
        Http.Response r = post(gateway, "/v1/messages", body);
        assertThat(r.status()).isEqualTo(200);
        StringBuilder text = new StringBuilder();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode event = Http.JSON.readTree(line.substring(6));
                if (event.path("type").asString().equals("content_block_delta")) text.append(event.at("/delta/text").asString());
            }
        }
        assertThat(text.toString()).isEqualTo(SHOWN);
        assertThat(r.body()).doesNotContain("7946").contains("message_stop");
    }

    @Test
    void aBlockedTypeInTheAnswerIs403WholeAndAnErrorEventStreamed() {
        String secret = "the card is 4111 1111 1111 1111 keep it";
        Http.Response whole = post(gateway, "/v1/chat/completions", openAi("echo", secret, false));
        assertThat(whole.status()).isEqualTo(403);
        assertThat(whole.json().at("/error/code").asString()).isEqualTo("content_blocked");
        assertThat(whole.body()).doesNotContain("4111");

        Http.Response streamed = post(gateway, "/v1/chat/completions", openAi("echo", secret, true));
        assertThat(streamed.status()).isEqualTo(200);
        assertThat(streamed.body()).doesNotContain("4111").doesNotContain("[DONE]").contains("\"type\":\"content_blocked\"");
    }

    @Test
    void aRouteWithResponseScanningOffPassesTheAnswerAsItIs() {
        Http.Response r = post(unscanned, "/v1/chat/completions", openAi("echo", PROMPT, true));
        assertThat(r.status()).isEqualTo(200);
        assertThat(openAiStreamText(r.body())).isEqualTo(PROMPT);
        Http.Response whole = post(unscanned, "/v1/chat/completions", openAi("echo", PROMPT, false));
        assertThat(whole.header("X-GatewayStack-Redacted")).isEqualTo("email=1");
    }

    @Test
    void theBlockThresholdIsPerRoute() {
        // an email scores 22: under the LLM routes' 101, over protected.echo's 20
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"write to carol@example.org\"}]}";
        Http.Response echo = post(gateway, "/protected/echo", body);
        assertThat(echo.status()).isEqualTo(403);
        assertThat(echo.json().get("error").asString()).isEqualTo("content_blocked");
        assertThat(echo.json().get("risk_score").asInt()).isEqualTo(22);
        assertThat(post(gateway, "/v1/chat/completions", openAi("echo", "write to carol@example.org", false)).status()).isEqualTo(200);
    }

    @Test
    void aProxiedJsonResponseIsScannedAndTheHeaderCountsIt() {
        Http.Response r = post(gateway, "/proxy/anything", "{\"note\":\"call +44 20 7946 0958 or mail dan@example.net\"}");
        assertThat(r.status()).isEqualTo(200);
        String echoed = r.json().get("body").asString();
        // the upstream got the pseudonym and the phone; the client gets the email back and the phone redacted
        assertThat(backend.lastBody).contains("<EMAIL_1>").contains("+44 20 7946 0958");
        assertThat(echoed).contains("[PHONE]").contains("dan@example.net").doesNotContain("7946");
        assertThat(r.header("X-GatewayStack-Redacted")).isEqualTo("email=1,phone=1");
    }

    @Test
    void aBlockedTypeInAProxiedResponseThatWasNotSentYetIs403() {
        // the SSN passes the request (annotate) and comes back in the echo: the whole body is still held back
        Http.Response r = post(gateway, "/proxy/anything", "{\"note\":\"ssn 123-45-6789\"}");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("error").asString()).isEqualTo("content_blocked");
        assertThat(r.body()).doesNotContain("6789");
        assertThat(backend.lastBody).contains("123-45-6789");
    }

    @Test
    void theAuditEventRecordsWhatTheAnswerHeldAndAStreamBlockedMidWay() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("gw-audit-response");
        String scanned = "{response: {actions: {phone: placeholder, email: mask, credit_card: block}}}";
        TestGateway audited = TestGateway.start(vertx, TestGateway.yaml(issuer, null, config(scanned))
                .replaceFirst("(?m)^  dir: .*$", "  dir: " + dir), Map.of("FAKE_KEY", "k"));
        try {
            // the request holds no PII the transform changes: the phone passes it and is found in the answer
            assertThat(http.post(audited.url("/v1/chat/completions"), openAi("echo", "call +44 20 7946 0958 today", false),
                    "Authorization", "Bearer " + alice, "Content-Type", "application/json", "X-Request-Id", "resp-phone").status())
                    .isEqualTo(200);
            assertThat(http.post(audited.url("/v1/chat/completions"), openAi("echo", "card 4111 1111 1111 1111 ok", true),
                    "Authorization", "Bearer " + alice, "Content-Type", "application/json", "X-Request-Id", "resp-card").status())
                    .isEqualTo(200);
        } finally {
            audited.close(); // drains, flushes the spool into the store
        }
        java.util.List<JsonNode> events = new java.util.ArrayList<>();
        try (io.gatewaystack.audit.store.AuditSource source = io.gatewaystack.audit.store.AuditSource.open(dir.resolve("audit.db").toString())) {
            source.forEachRow(0, row -> events.add(Http.JSON.readTree(row.json())));
        }
        JsonNode phone = events.stream().filter(e -> e.toString().contains("resp-phone")).findFirst().orElseThrow();
        assertThat(phone.findValue("pii_types").toString()).contains("phone");
        assertThat(phone.findValue("labels").toString()).contains("pii", "gdpr");
        assertThat(phone.toString()).doesNotContain("7946");
        JsonNode card = events.stream().filter(e -> e.toString().contains("resp-card")).findFirst().orElseThrow();
        assertThat(card.toString()).contains("content_blocked").contains("credit_card").doesNotContain("4111 1111");
    }
}
