package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.server.http.Ports;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The LLM gateway over real HTTP against the fake LLM: OpenAI and Anthropic clients, translation both ways,
 * streaming, failover, provider keys and the verified user reaching the provider, SDK-shaped errors.
 */
class LlmGatewayTest {

    static LlmTestBed bed;
    static String alice;

    @BeforeAll
    static void start() throws Exception {
        int dead = Ports.free();
        bed = LlmTestBed.start(base -> """
                llm:
                  backoff_ms: 1
                  providers:
                    openai-like: {kind: openai, base_url: %1$s, allow_private: true, timeout_ms: 1000,
                                  auth: {mode: api_key, env: FAKE_KEY}}
                    anthropic-like: {kind: anthropic, base_url: %1$s, allow_private: true, timeout_ms: 1000,
                                     auth: {mode: api_key, env: FAKE_KEY}}
                    dead: {kind: openai, base_url: "http://127.0.0.1:%2$d/v1", allow_private: true, timeout_ms: 500,
                           auth: {mode: none}}
                    not-allowed: {kind: openai, base_url: %1$s, auth: {mode: none}}
                  models:
                    echo: {targets: [openai-like/echo]}
                    claude-echo: {targets: [anthropic-like/echo]}
                    resilient: {targets: [dead/echo, openai-like/echo]}
                    flaky: {targets: [openai-like/echo, anthropic-like/echo]}
                    private: {targets: [not-allowed/echo]}
                """.formatted(base, dead), Map.of("FAKE_KEY", "sk-provider-secret"));
        alice = bed.issuer().token("alice", Map.of("scope", "llm:chat"));
    }

    @AfterAll
    static void stop() {
        bed.close();
    }

    @BeforeEach
    void reset() {
        bed.fake().failNext(0, 0);
    }

    private Http.Response chat(String model, String text, String... extraHeaders) {
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
        String[] headers = new String[4 + extraHeaders.length];
        headers[0] = "Authorization";
        headers[1] = "Bearer " + alice;
        headers[2] = "Content-Type";
        headers[3] = "application/json";
        System.arraycopy(extraHeaders, 0, headers, 4, extraHeaders.length);
        return bed.http().post(bed.gateway().url("/v1/chat/completions"), body, headers);
    }

    @Test
    void anOpenAiClientReachesAnOpenAiProviderWithTheProviderKeyAndTheVerifiedUser() {
        Http.Response r = chat("echo", "hello there");
        assertThat(r.status()).isEqualTo(200);
        JsonNode answer = r.json();
        assertThat(answer.get("object").asString()).isEqualTo("chat.completion");
        assertThat(answer.get("choices").get(0).get("message").get("content").asString()).isEqualTo("hello there");
        assertThat(bed.fake().lastAuthorization()).isEqualTo("Bearer sk-provider-secret"); // never the user's token
        assertThat(Http.JSON.readTree(bed.fake().lastRequestBody()).get("user").asString()).isEqualTo("alice");
    }

    @Test
    void anOpenAiClientReachesAnAnthropicProviderThroughTranslation() {
        Http.Response r = chat("claude-echo", "translate me");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("choices").get(0).get("message").get("content").asString()).isEqualTo("translate me");
        JsonNode seen = Http.JSON.readTree(bed.fake().lastRequestBody());
        assertThat(seen.get("system").toString()).contains("Be brief.");
        assertThat(seen.get("max_tokens").asInt()).isPositive();
        assertThat(seen.get("metadata").get("user_id").asString()).isEqualTo("alice");
    }

    @Test
    void anAnthropicClientReachesAnOpenAiProviderThroughTranslation() {
        String body = "{\"model\":\"echo\",\"max_tokens\":50,\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\",\"content\":\"from anthropic\"}]}";
        Http.Response r = bed.http().post(bed.gateway().url("/v1/messages"), body, "x-api-key", alice, "Content-Type", "application/json");
        assertThat(r.status()).isEqualTo(200);
        JsonNode answer = r.json();
        assertThat(answer.get("type").asString()).isEqualTo("message");
        assertThat(answer.get("content").get(0).get("text").asString()).isEqualTo("from anthropic");
        assertThat(answer.get("usage").get("input_tokens").asInt()).isPositive();
    }

    @Test
    void streamsArriveAsServerSentEventsInTheClientsFormat() {
        String body = "{\"model\":\"claude-echo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"one two three four\"}]}";
        Http.Response r = bed.http().post(bed.gateway().url("/v1/chat/completions"), body, "Authorization", "Bearer " + alice,
                "Content-Type", "application/json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/event-stream");
        StringBuilder text = new StringBuilder();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode chunk = Http.JSON.readTree(line.substring(6));
                assertThat(chunk.get("object").asString()).isEqualTo("chat.completion.chunk");
                JsonNode content = chunk.path("choices").path(0).path("delta").path("content");
                if (content.isString()) {
                    text.append(content.asString());
                }
            }
        }
        assertThat(text.toString()).isEqualTo("one two three four");
        assertThat(r.body()).contains("data: [DONE]");
    }

    @Test
    void failoverSkipsADeadTargetAndAFailingOne() {
        Http.Response viaDead = chat("resilient", "still here");
        assertThat(viaDead.status()).isEqualTo(200);
        assertThat(viaDead.json().get("choices").get(0).get("message").get("content").asString()).isEqualTo("still here");

        bed.fake().failNext(500, 1);
        Http.Response viaFailure = chat("flaky", "after a 500");
        assertThat(viaFailure.status()).isEqualTo(200);
        assertThat(viaFailure.json().get("choices").get(0).get("message").get("content").asString()).isEqualTo("after a 500");

        bed.fake().failNext(429, 5);
        Http.Response exhausted = chat("echo", "rate limited");
        assertThat(exhausted.status()).isEqualTo(429);
        assertThat(exhausted.json().get("error").get("code").asString()).isEqualTo("rate_limited");
    }

    @Test
    void errorsTakeTheShapeTheSdkExpects() {
        Http.Response noToken = bed.http().post(bed.gateway().url("/v1/chat/completions"), "{\"model\":\"echo\",\"messages\":[]}",
                "Content-Type", "application/json");
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(noToken.json().get("error").get("code").asString()).isEqualTo("missing_token");
        assertThat(noToken.json().get("error").get("message").asString()).isNotBlank();
        assertThat(noToken.header("WWW-Authenticate")).contains("resource_metadata=");

        Http.Response anthropicShape = bed.http().post(bed.gateway().url("/v1/messages"), "{\"model\":\"echo\",\"messages\":[]}",
                "Content-Type", "application/json");
        assertThat(anthropicShape.json().get("type").asString()).isEqualTo("error");
        assertThat(anthropicShape.json().get("error").get("type").asString()).isEqualTo("authentication_error");

        Http.Response unknown = chat("no-such-model", "x");
        assertThat(unknown.status()).isEqualTo(404);
    }

    @Test
    void aProviderOnAPrivateAddressIsRefusedUnlessAllowed() {
        Http.Response r = chat("private", "ssrf?");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.json().get("error").get("message").asString()).contains("not allowed");
    }

    @Test
    void embeddingsGoToOpenAiFormatProvidersOnly() {
        Http.Response r = bed.http().post(bed.gateway().url("/v1/embeddings"), "{\"model\":\"flaky\",\"input\":[\"a b\",\"c\"]}",
                "Authorization", "Bearer " + alice, "Content-Type", "application/json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("data").size()).isEqualTo(2);
        assertThat(r.json().get("model").asString()).isEqualTo("flaky");
        assertThat(Http.JSON.readTree(bed.fake().lastRequestBody()).get("user").asString()).isEqualTo("alice");
        Http.Response anthropicOnly = bed.http().post(bed.gateway().url("/v1/embeddings"), "{\"model\":\"claude-echo\",\"input\":\"x\"}",
                "Authorization", "Bearer " + alice, "Content-Type", "application/json");
        assertThat(anthropicOnly.status()).isEqualTo(400);
        assertThat(anthropicOnly.json().get("error").get("message").asString()).contains("does not offer embeddings");
    }

    @Test
    void modelsListsTheConfiguredModels() {
        Http.Response r = bed.http().get(bed.gateway().url("/v1/models"), "Authorization", "Bearer " + alice);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("data").toString()).contains("\"echo\"", "\"claude-echo\"", "\"resilient\"");
    }
}
