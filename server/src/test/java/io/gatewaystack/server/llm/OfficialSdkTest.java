package io.gatewaystack.server.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.gatewaystack.server.demo.DemoMode;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI and Anthropic Java SDKs, pointed at the demo gateway with a user token as their API key:
 * what users of the gateway actually do.
 */
class OfficialSdkTest {

    static Vertx vertx;
    static DemoMode demo;
    static String base;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        demo = DemoMode.start(vertx, Map.of("PORT", "0", "DEMO_ISSUER_PORT", "0", "DEMO_ECHO_PORT", "0", "DEMO_LLM_PORT", "0", "DEMO_TOOLS_PORT", "0"),
                new ByteArrayOutputStream());
        base = "http://127.0.0.1:" + demo.gateway().port();
        token = demo.issuer().mint("sdk-user", Map.of("scope", "tool:read"), 300);
    }

    @AfterAll
    static void stop() {
        demo.stop();
        vertx.close();
    }

    @Test
    void openAiJavaSdkChatsAndStreamsThroughTheGateway() {
        OpenAIClient client = OpenAIOkHttpClient.builder().apiKey(token).baseUrl(base + "/v1").maxRetries(0).build();
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("demo-smart").addUserMessage("hello from the openai sdk").build();
        ChatCompletion completion = client.chat().completions().create(params);
        assertThat(completion.choices().get(0).message().content()).contains("hello from the openai sdk");

        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(streamed::append)));
        }
        assertThat(streamed.toString()).isEqualTo("hello from the openai sdk");
    }

    @Test
    void anthropicJavaSdkSendsMessagesThroughTheGateway() {
        AnthropicClient client = AnthropicOkHttpClient.builder().apiKey(token).baseUrl(base).maxRetries(0).build();
        Message message = client.messages().create(MessageCreateParams.builder()
                .model("echo").maxTokens(100).addUserMessage("hello from the anthropic sdk").build());
        assertThat(message.content().get(0).text().orElseThrow().text()).isEqualTo("hello from the anthropic sdk");
    }

    @Test
    void theSdksSeeAuthenticationErrorsInTheirOwnTypes() {
        OpenAIClient client = OpenAIOkHttpClient.builder().apiKey("not-a-token").baseUrl(base + "/v1").maxRetries(0).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.chat().completions().create(
                        ChatCompletionCreateParams.builder().model("echo").addUserMessage("x").build()))
                .isInstanceOf(com.openai.errors.UnauthorizedException.class);
    }
}
