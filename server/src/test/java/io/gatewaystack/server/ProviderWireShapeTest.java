package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What Azure OpenAI and Gemini's OpenAI endpoint receive, byte for byte where it matters: the URL (Azure's deployment
 * path and {@code api-version}, Gemini's {@code /v1beta/openai} base), the key header each expects (Azure
 * {@code api-key}, Gemini {@code Authorization: Bearer}), and never the user's own token. The fake LLM stands in for
 * both (it answers on any path ending in {@code /chat/completions}); the shapes follow the providers' documentation.
 */
class ProviderWireShapeTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static LlmTestBed bed;
    static String alice;

    @BeforeAll
    static void start() throws Exception {
        bed = LlmTestBed.start(base -> {
            String root = base.substring(0, base.length() - "/v1".length());
            return """
                    llm:
                      providers:
                        azure: {kind: azure_openai, base_url: "%1$s/openai/deployments/gpt-4o-prod", api_version: "2024-10-21",
                                allow_private: true, auth: {mode: api_key, env: AZURE_KEY}}
                        gemini: {kind: gemini, base_url: "%1$s/v1beta/openai", allow_private: true,
                                 auth: {mode: api_key, env: GEMINI_KEY}}
                      models:
                        azure-echo: {targets: [azure/echo]}
                        gemini-echo: {targets: [gemini/echo]}
                    """.formatted(root);
        }, Map.of("AZURE_KEY", "azure-secret", "GEMINI_KEY", "gemini-secret"));
        alice = bed.bearer("alice");
    }

    @AfterAll
    static void stop() {
        bed.close();
    }

    private Http.Response chat(String model, boolean stream) {
        return bed.http().post(bed.gateway().url("/v1/chat/completions"),
                "{\"model\":\"" + model + "\",\"stream\":" + stream
                        + ",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}",
                "Authorization", alice, "Content-Type", "application/json");
    }

    @Test
    void azureGetsItsDeploymentUrlApiVersionAndApiKeyHeader() {
        Http.Response answer = chat("azure-echo", false);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).contains("hello there");
        assertThat(bed.fake().lastRequestUri())
                .isEqualTo("/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21");
        assertThat(bed.fake().lastHeader("api-key")).isEqualTo("azure-secret");
        assertThat(bed.fake().lastHeader("Authorization")).isNull(); // the user's token never leaves the gateway
        JsonNode sent = JSON.readTree(bed.fake().lastRequestBody());
        assertThat(sent.path("user").asString()).isEqualTo("alice"); // the verified user, for the provider's audit
        assertThat(sent.path("max_tokens").asLong()).isEqualTo(50); // the client's own maximum, as it was sent
    }

    @Test
    void azureStreamsWithUsageRequested() {
        Http.Response answer = chat("azure-echo", true);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).contains("data: ").contains("[DONE]");
        assertThat(bed.fake().lastRequestUri()).endsWith("/chat/completions?api-version=2024-10-21");
        assertThat(JSON.readTree(bed.fake().lastRequestBody()).at("/stream_options/include_usage").asBoolean())
                .isTrue();
    }

    @Test
    void geminiGetsItsOpenAiCompatibleBaseAndABearerKey() {
        Http.Response answer = chat("gemini-echo", false);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).contains("hello there");
        assertThat(bed.fake().lastRequestUri()).isEqualTo("/v1beta/openai/chat/completions");
        assertThat(bed.fake().lastHeader("Authorization")).isEqualTo("Bearer gemini-secret");
        assertThat(bed.fake().lastHeader("api-key")).isNull();
    }

    @Test
    void theResponsesApiReachesGeminiAsChatCompletions() {
        Http.Response answer = bed.http().post(bed.gateway().url("/v1/responses"),
                "{\"model\":\"gemini-echo\",\"input\":\"hello responses\"}",
                "Authorization", alice, "Content-Type", "application/json");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).contains("hello responses").contains("\"object\":\"response\"");
        assertThat(bed.fake().lastRequestUri()).isEqualTo("/v1beta/openai/chat/completions");
    }
}
