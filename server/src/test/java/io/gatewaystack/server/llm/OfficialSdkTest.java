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
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseUsage;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
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

    // ------------------------------------------------------------------------------ Responses API (openai-java)

    /** "echo" goes to the OpenAI-format provider's own /responses; "demo-smart" to the Anthropic one, translated. */
    static final List<String> RESPONSES_MODELS = List.of("echo", "demo-smart");

    private OpenAIClient openAi() {
        return OpenAIOkHttpClient.builder().apiKey(token).baseUrl(base + "/v1").maxRetries(0).build();
    }

    private static String outputText(Response response) {
        StringBuilder text = new StringBuilder();
        response.output().forEach(item -> item.message().ifPresent(m ->
                m.content().forEach(c -> c.outputText().ifPresent(t -> text.append(t.text())))));
        return text.toString();
    }

    @Test
    void openAiJavaSdkCreatesResponsesNativelyAndThroughTranslation() {
        for (String model : RESPONSES_MODELS) {
            Response response = openAi().responses().create(ResponseCreateParams.builder()
                    .model(model).instructions("Answer briefly.").input("hello from the responses api").build());
            response.validate(); // every field the SDK requires is there, in the right type
            assertThat(outputText(response)).as(model).isEqualTo("hello from the responses api");
            assertThat(response.status()).contains(ResponseStatus.COMPLETED);
            assertThat(response.model().asString()).isEqualTo(model);
            ResponseUsage usage = response.usage().orElseThrow();
            assertThat(usage.inputTokens()).as(model).isGreaterThanOrEqualTo(6); // instructions + input words
            assertThat(usage.outputTokens()).as(model).isEqualTo(5);
            assertThat(usage.totalTokens()).isEqualTo(usage.inputTokens() + usage.outputTokens());
        }
        String seen = demo.llm().lastRequestBody(); // demo-smart reached the Anthropic API, translated
        assertThat(seen).contains("\"system\":\"Answer briefly.\"").contains("\"user_id\":\"sdk-user\"");
    }

    @Test
    void openAiJavaSdkStreamsResponsesAsTypedEvents() {
        for (String model : RESPONSES_MODELS) {
            List<ResponseStreamEvent> events = new ArrayList<>();
            try (StreamResponse<ResponseStreamEvent> stream = openAi().responses().createStreaming(ResponseCreateParams.builder()
                    .model(model).input("one two three four five").build())) {
                stream.stream().forEach(events::add);
            }
            events.forEach(ResponseStreamEvent::validate);
            StringBuilder deltas = new StringBuilder();
            events.forEach(e -> e.outputTextDelta().ifPresent(d -> deltas.append(d.delta())));
            assertThat(deltas.toString()).as(model).isEqualTo("one two three four five");
            assertThat(events.get(0).created()).as(model).isPresent();
            assertThat(events.stream().filter(e -> e.outputTextDelta().isPresent()).count()).as(model).isGreaterThan(1);
            Response completed = events.getLast().completed().orElseThrow().response();
            assertThat(outputText(completed)).isEqualTo("one two three four five");
            assertThat(completed.usage().orElseThrow().outputTokens()).as(model).isEqualTo(5);
            List<Long> sequence = events.stream().map(OfficialSdkTest::sequenceNumber).filter(n -> n >= 0).toList();
            assertThat(sequence).as(model).isSorted().doesNotHaveDuplicates();
        }
    }

    private static long sequenceNumber(ResponseStreamEvent e) {
        return e.created().map(c -> c.sequenceNumber())
                .or(() -> e.outputTextDelta().map(d -> d.sequenceNumber()))
                .or(() -> e.completed().map(c -> c.sequenceNumber()))
                .orElse(-1L);
    }

    @Test
    void responsesTakeInputItemsAndTheEchoIsTheLastUserMessage() {
        List<ResponseInputItem> items = List.of(
                ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(EasyInputMessage.Role.USER).content("first question").build()),
                ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(EasyInputMessage.Role.ASSISTANT).content("first answer").build()),
                ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(EasyInputMessage.Role.USER).content("second question").build()));
        for (String model : RESPONSES_MODELS) {
            Response response = openAi().responses().create(ResponseCreateParams.builder().model(model).inputOfResponse(items).build());
            assertThat(outputText(response)).as(model).isEqualTo("second question");
        }
    }

    @Test
    void piiInResponsesInputIsPseudonymisedForTheProviderAndRestoredForTheUser() {
        for (String model : RESPONSES_MODELS) {
            Response response = openAi().responses().create(ResponseCreateParams.builder()
                    .model(model).input("write to carol@example.com today").build());
            assertThat(demo.llm().lastRequestBody()).as(model).doesNotContain("carol@example.com").contains("<EMAIL_1>");
            assertThat(outputText(response)).as(model).isEqualTo("write to carol@example.com today");
        }
    }

    @Test
    void responsesCutByMaxOutputTokensAreIncomplete() {
        for (String model : RESPONSES_MODELS) {
            Response response = openAi().responses().create(ResponseCreateParams.builder()
                    .model(model).input("a b c d e f").maxOutputTokens(3L).build());
            assertThat(response.status()).as(model).contains(ResponseStatus.INCOMPLETE);
            assertThat(response.incompleteDetails().orElseThrow().reason().orElseThrow().asString()).isEqualTo("max_output_tokens");
            assertThat(outputText(response)).as(model).isEqualTo("a b c");
        }
    }

    @Test
    void responsesErrorsReachTheSdkAsItsOwnExceptions() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> openAi().responses().create(
                        ResponseCreateParams.builder().model("no-such-model").input("x").build()))
                .isInstanceOf(com.openai.errors.NotFoundException.class)
                .hasMessageContaining("no-such-model");
        OpenAIClient stranger = OpenAIOkHttpClient.builder().apiKey("not-a-token").baseUrl(base + "/v1").maxRetries(0).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> stranger.responses().create(
                        ResponseCreateParams.builder().model("echo").input("x").build()))
                .isInstanceOf(com.openai.errors.UnauthorizedException.class);
    }

    // ------------------------------------------------------------------------------------------ tool calls

    private static com.openai.models.FunctionDefinition lookupFunction() {
        return com.openai.models.FunctionDefinition.builder().name("lookup").description("Looks a text up.")
                .parameters(com.openai.models.FunctionParameters.builder()
                        .putAdditionalProperty("type", com.openai.core.JsonValue.from("object"))
                        .putAdditionalProperty("properties", com.openai.core.JsonValue.from(
                                Map.of("text", Map.of("type", "string"))))
                        .build())
                .build();
    }

    private static com.openai.models.chat.completions.ChatCompletionNamedToolChoice forceLookup() {
        return com.openai.models.chat.completions.ChatCompletionNamedToolChoice.builder()
                .function(com.openai.models.chat.completions.ChatCompletionNamedToolChoice.Function.builder()
                        .name("lookup").build())
                .build();
    }

    @Test
    void openAiJavaSdkGetsToolCallsFromAnAnthropicModelAndSendsTheResultBack() {
        // "demo-smart" goes to the fake's Anthropic API first: the tool call is translated both ways
        OpenAIClient client = OpenAIOkHttpClient.builder().apiKey(token).baseUrl(base + "/v1").maxRetries(0).build();
        ChatCompletionCreateParams ask = ChatCompletionCreateParams.builder().model("demo-smart")
                .addUserMessage("weather in Lisbon").addFunctionTool(lookupFunction()).toolChoice(forceLookup()).build();
        ChatCompletion completion = client.chat().completions().create(ask);
        var call = completion.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().name()).isEqualTo("lookup");
        assertThat(call.function().arguments()).isEqualTo("{\"text\":\"weather in Lisbon\"}");
        assertThat(completion.choices().get(0).finishReason())
                .isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);

        // streamed: the argument fragments add up to the same JSON
        StringBuilder arguments = new StringBuilder();
        List<String> names = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ask)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().toolCalls().ifPresent(calls ->
                    calls.forEach(tc -> tc.function().ifPresent(f -> {
                        f.name().ifPresent(names::add);
                        f.arguments().ifPresent(arguments::append);
                    })))));
        }
        assertThat(names).containsExactly("lookup");
        assertThat(arguments.toString()).isEqualTo("{\"text\":\"weather in Lisbon\"}");

        // the tool's result goes back; the model (echo) answers with it
        ChatCompletion answer = client.chat().completions().create(ask.toBuilder()
                .addMessage(completion.choices().get(0).message())
                .addMessage(com.openai.models.chat.completions.ChatCompletionToolMessageParam.builder()
                        .toolCallId(call.id()).content("sunny, 24 degrees").build())
                .build());
        assertThat(answer.choices().get(0).message().content()).contains("sunny, 24 degrees");
    }

    @Test
    void anthropicJavaSdkGetsToolUseFromAnOpenAiModel() {
        // "echo" is the fake's OpenAI API: Anthropic's tool_use is translated from OpenAI's tool_calls
        AnthropicClient client = AnthropicOkHttpClient.builder().apiKey(token).baseUrl(base).maxRetries(0).build();
        Message message = client.messages().create(MessageCreateParams.builder().model("echo").maxTokens(100)
                .addUserMessage("weather in Porto")
                .addTool(com.anthropic.models.messages.Tool.builder().name("lookup")
                        .inputSchema(com.anthropic.models.messages.Tool.InputSchema.builder()
                                .properties(com.anthropic.models.messages.Tool.InputSchema.Properties.builder()
                                        .putAdditionalProperty("text", com.anthropic.core.JsonValue.from(
                                                Map.of("type", "string")))
                                        .build())
                                .build())
                        .build())
                .toolChoice(com.anthropic.models.messages.ToolChoiceTool.builder().name("lookup").build())
                .build());
        var toolUse = message.content().get(0).toolUse().orElseThrow();
        assertThat(toolUse.name()).isEqualTo("lookup");
        assertThat(toolUse._input().toString()).contains("weather in Porto");
        assertThat(message.stopReason().orElseThrow().toString()).isEqualTo("tool_use");
    }
}
