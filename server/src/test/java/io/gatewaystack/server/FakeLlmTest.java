package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatewaystack.proxy.llm.ApiFormat;
import io.gatewaystack.proxy.llm.SseEvent;
import io.gatewaystack.proxy.llm.SseParser;
import io.gatewaystack.proxy.llm.StreamTranslator;
import io.gatewaystack.proxy.llm.TokenUsage;
import io.gatewaystack.server.demo.FakeLlm;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class FakeLlmTest {

    static Vertx vertx;
    static FakeLlm fake;
    static Http http;
    static String base;

    static final String KEY = "Bearer sk-upstream-123";

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        fake = FakeLlm.start(vertx, 0);
        http = new Http(vertx);
        base = "http://127.0.0.1:" + fake.port();
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        fake.close().await(5, TimeUnit.SECONDS);
        vertx.close().await(5, TimeUnit.SECONDS);
    }

    @BeforeEach
    void reset() {
        fake.failNext(0, 0).stallNext(0, 0).dropNext(0);
    }

    static String openAi(String userText, String extra) {
        return "{\"model\":\"echo\",\"messages\":[{\"role\":\"system\",\"content\":\"Be nice.\"},"
                + "{\"role\":\"user\",\"content\":\"first message\"},{\"role\":\"assistant\",\"content\":\"ok\"},"
                + "{\"role\":\"user\",\"content\":" + Http.JSON.writeValueAsString(userText) + "}]" + extra + "}";
    }

    static String anthropic(String userText, String extra) {
        return "{\"model\":\"echo\",\"max_tokens\":100,\"system\":\"Be nice.\",\"messages\":["
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":" + Http.JSON.writeValueAsString(userText) + "}]}]"
                + extra + "}";
    }

    // --------------------------------------------------------------------------------------------- answers

    @Test
    void openAiChatEchoesTheLastUserMessage() {
        Http.Response r = http.post(base + "/v1/chat/completions", openAi("Hello  there,\nfake  LLM! ", ",\"user\":\"alice\""),
                "Authorization", KEY, "Content-Type", "application/json");
        assertThat(r.status()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.get("object").asString()).isEqualTo("chat.completion");
        assertThat(j.get("model").asString()).isEqualTo("echo");
        assertThat(j.at("/choices/0/message/role").asString()).isEqualTo("assistant");
        assertThat(j.at("/choices/0/message/content").asString()).isEqualTo("Hello  there,\nfake  LLM! ");
        assertThat(j.at("/choices/0/finish_reason").asString()).isEqualTo("stop");
        // words: "Be nice." 2 + "first message" 2 + "ok" 1 + 4 = 9 in, 4 out
        assertThat(j.at("/usage/prompt_tokens").asLong()).isEqualTo(9);
        assertThat(j.at("/usage/completion_tokens").asLong()).isEqualTo(4);
        assertThat(j.at("/usage/total_tokens").asLong()).isEqualTo(13);
        assertThat(r.header("x-request-id")).isEqualTo(j.get("id").asString()).startsWith("chatcmpl-");
        assertThat(fake.lastAuthorization()).isEqualTo(KEY);
        assertThat(Http.JSON.readTree(fake.lastRequestBody()).get("user").asString()).isEqualTo("alice");

        String otherId = http.post(base + "/v1/chat/completions", openAi("x", ""), "Authorization", KEY).json().get("id").asString();
        assertThat(otherId).isNotEqualTo(j.get("id").asString());
    }

    @Test
    void anthropicMessagesEchoTheLastUserMessage() {
        Http.Response r = http.post(base + "/v1/messages", anthropic("Bonjour le monde", ",\"metadata\":{\"user_id\":\"bob\"}"),
                "x-api-key", "sk-ant-1", "anthropic-version", "2023-06-01");
        assertThat(r.status()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.get("type").asString()).isEqualTo("message");
        assertThat(j.get("id").asString()).startsWith("msg_");
        assertThat(j.get("content")).hasSize(1);
        assertThat(j.at("/content/0/text").asString()).isEqualTo("Bonjour le monde");
        assertThat(j.get("stop_reason").asString()).isEqualTo("end_turn");
        assertThat(j.at("/usage/input_tokens").asLong()).isEqualTo(5);
        assertThat(j.at("/usage/output_tokens").asLong()).isEqualTo(3);
        assertThat(fake.lastAuthorization()).isEqualTo("sk-ant-1");
        assertThat(fake.lastRequestBody()).contains("\"user_id\":\"bob\"");
    }

    @Test
    void maxTokensCutTheAnswer() {
        JsonNode o = http.post(base + "/v1/chat/completions", openAi("one two three four", ",\"max_completion_tokens\":2"),
                "Authorization", KEY).json();
        assertThat(o.at("/choices/0/message/content").asString()).isEqualTo("one two");
        assertThat(o.at("/choices/0/finish_reason").asString()).isEqualTo("length");
        assertThat(o.at("/usage/completion_tokens").asLong()).isEqualTo(2);
        JsonNode a = http.post(base + "/v1/messages", anthropic("one two three four", "").replace("100", "3"), "x-api-key", "k").json();
        assertThat(a.at("/content/0/text").asString()).isEqualTo("one two three");
        assertThat(a.get("stop_reason").asString()).isEqualTo("max_tokens");
    }

    @Test
    void requestsTheRealApisRejectAreRejected() {
        Http.Response noMax = http.post(base + "/v1/messages", "{\"model\":\"echo\",\"messages\":[]}", "x-api-key", "k");
        assertThat(noMax.status()).isEqualTo(400);
        assertThat(noMax.json().get("type").asString()).isEqualTo("error");
        assertThat(noMax.json().at("/error/type").asString()).isEqualTo("invalid_request_error");
        Http.Response notJson = http.post(base + "/v1/chat/completions", "{nope", "Authorization", KEY);
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().at("/error/type").asString()).isEqualTo("invalid_request_error");
        assertThat(notJson.json().at("/error/param").isNull()).isTrue();
        assertThat(http.get(base + "/v1/unknown", "Authorization", KEY).status()).isEqualTo(404);
    }

    @Test
    void anApiKeyIsRequired() {
        Http.Response o = http.post(base + "/v1/chat/completions", openAi("hi", ""));
        assertThat(o.status()).isEqualTo(401);
        assertThat(o.json().at("/error/type").asString()).isEqualTo("authentication_error");
        assertThat(o.json().at("/error/code").asString()).isEqualTo("invalid_api_key");
        assertThat(http.post(base + "/v1/chat/completions", openAi("hi", ""), "Authorization", "Bearer  ").status()).isEqualTo(401);
        assertThat(http.post(base + "/v1/chat/completions", openAi("hi", ""), "Authorization", "Basic abc").status()).isEqualTo(401);
        Http.Response a = http.post(base + "/v1/messages", anthropic("hi", ""), "x-api-key", "");
        assertThat(a.status()).isEqualTo(401);
        assertThat(a.json().get("type").asString()).isEqualTo("error");
        assertThat(a.json().at("/error/type").asString()).isEqualTo("authentication_error");
    }

    @Test
    void embeddingsAreDeterministic() {
        JsonNode one = http.post(base + "/v1/embeddings", "{\"model\":\"fake-embedding\",\"input\":[\"hello world\",\"other\"]}",
                "Authorization", KEY).json();
        JsonNode two = http.post(base + "/v1/embeddings", "{\"model\":\"fake-embedding\",\"input\":\"hello world\"}",
                "Authorization", KEY).json();
        assertThat(one.get("data")).hasSize(2);
        assertThat(one.at("/data/0/embedding")).hasSize(8).isEqualTo(two.at("/data/0/embedding"));
        assertThat(one.at("/data/1/embedding")).isNotEqualTo(one.at("/data/0/embedding"));
        assertThat(one.at("/data/1/index").asInt()).isEqualTo(1);
        assertThat(one.at("/usage/prompt_tokens").asLong()).isEqualTo(3);
        double norm = 0;
        for (JsonNode v : one.at("/data/0/embedding")) {
            norm += v.asDouble() * v.asDouble();
        }
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        JsonNode b64 = http.post(base + "/v1/embeddings",
                "{\"model\":\"fake-embedding\",\"input\":\"hello world\",\"encoding_format\":\"base64\"}", "Authorization", KEY).json();
        ByteBuffer floats = ByteBuffer.wrap(Base64.getDecoder().decode(b64.at("/data/0/embedding").asString())).order(ByteOrder.LITTLE_ENDIAN);
        assertThat((double) floats.getFloat(0)).isCloseTo(two.at("/data/0/embedding/0").asDouble(), org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void modelsInBothShapes() {
        JsonNode o = http.get(base + "/v1/models", "Authorization", KEY).json();
        assertThat(o.get("object").asString()).isEqualTo("list");
        assertThat(o.at("/data/0/id").asString()).isEqualTo("echo");
        assertThat(o.at("/data/0/object").asString()).isEqualTo("model");
        JsonNode a = http.get(base + "/v1/models", "x-api-key", "k", "anthropic-version", "2023-06-01").json();
        assertThat(a.at("/data/0/type").asString()).isEqualTo("model");
        assertThat(a.get("has_more").asBoolean()).isFalse();
    }

    // -------------------------------------------------------------------------------------------- streaming

    record Chunk(long nanos, byte[] bytes) {
    }

    /** Posts and collects the raw response body chunks as they arrive, with their arrival times. */
    static List<Chunk> stream(String url, String body, String... headers) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url).setIdleTimeout(20_000);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            options.addHeader(headers[i], headers[i + 1]);
        }
        return http.onEventLoop(c -> c.request(options).compose(req -> req.send(Buffer.buffer(body))).compose(resp -> {
            Promise<List<Chunk>> done = Promise.promise();
            List<Chunk> chunks = new ArrayList<>();
            assertThat(resp.statusCode()).isEqualTo(200);
            assertThat(resp.getHeader("Content-Type")).startsWith("text/event-stream");
            resp.handler(b -> chunks.add(new Chunk(System.nanoTime(), b.getBytes())));
            resp.exceptionHandler(done::tryFail);
            resp.endHandler(v -> done.tryComplete(chunks));
            return done.future();
        }));
    }

    static List<SseEvent> events(List<Chunk> chunks) {
        SseParser parser = new SseParser();
        List<SseEvent> events = new ArrayList<>();
        chunks.forEach(c -> events.addAll(parser.feed(c.bytes())));
        events.addAll(parser.finish());
        return events;
    }

    @Test
    void openAiStreamsInSeveralChunksWithUsage() {
        String text = "The quick brown fox jumps over the lazy dog";
        List<Chunk> chunks = stream(base + "/v1/chat/completions",
                openAi(text, ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"), "Authorization", KEY);
        assertThat(chunks.size()).as("sent over time, not in one write").isGreaterThan(5);
        assertThat(chunks.getLast().nanos() - chunks.getFirst().nanos()).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(20));
        List<SseEvent> events = events(chunks);
        assertThat(events.getLast()).isEqualTo(SseEvent.DONE);
        StringBuilder got = new StringBuilder();
        JsonNode usage = null;
        String finish = null;
        for (SseEvent e : events.subList(0, events.size() - 1)) {
            JsonNode c = Http.JSON.readTree(e.data());
            assertThat(c.get("object").asString()).isEqualTo("chat.completion.chunk");
            if (c.get("usage").isObject()) {
                usage = c.get("usage");
                assertThat(c.get("choices")).isEmpty();
                continue;
            }
            got.append(c.at("/choices/0/delta/content").asString(""));
            if (c.at("/choices/0/finish_reason").isString()) {
                finish = c.at("/choices/0/finish_reason").asString();
            }
        }
        assertThat(got.toString()).isEqualTo(text);
        assertThat(finish).isEqualTo("stop");
        assertThat(usage.get("completion_tokens").asLong()).isEqualTo(9);
        assertThat(usage.get("prompt_tokens").asLong()).isEqualTo(14);

        List<SseEvent> noUsage = events(stream(base + "/v1/chat/completions", openAi("a b", ",\"stream\":true"), "Authorization", KEY));
        assertThat(noUsage).noneMatch(e -> e.data().contains("usage"));
        assertThat(noUsage.getLast()).isEqualTo(SseEvent.DONE);
    }

    @Test
    void anthropicStreamsEventsThatTranslateBackToTheText() {
        String text = "Streaming from a fake Claude, word by word.";
        List<SseEvent> events = events(stream(base + "/v1/messages", anthropic(text, ",\"stream\":true"),
                "x-api-key", "k", "anthropic-version", "2023-06-01"));
        assertThat(events).extracting(SseEvent::event).startsWith("message_start", "content_block_start", "ping")
                .endsWith("content_block_stop", "message_delta", "message_stop");
        StringBuilder got = new StringBuilder();
        for (SseEvent e : events) {
            JsonNode j = Http.JSON.readTree(e.data());
            assertThat(j.get("type").asString()).isEqualTo(e.event());
            if (e.event().equals("content_block_delta")) {
                got.append(j.at("/delta/text").asString());
            }
        }
        assertThat(got.toString()).isEqualTo(text);
        // and through the gateway's stream translator, as an OpenAI client would see it
        StreamTranslator translator = StreamTranslator.of(ApiFormat.ANTHROPIC_MESSAGES, ApiFormat.OPENAI_CHAT, "echo", "chatcmpl-1");
        StringBuilder openAiText = new StringBuilder();
        for (SseEvent e : events) {
            for (SseEvent out : translator.translate(e)) {
                if (!out.isDone()) {
                    openAiText.append(Http.JSON.readTree(out.data()).at("/choices/0/delta/content").asString(""));
                }
            }
        }
        assertThat(openAiText.toString()).isEqualTo(text);
        assertThat(translator.usage()).isEqualTo(new TokenUsage(10, 8, 0));
    }

    // ------------------------------------------------------------------------------------------- failures

    @Test
    void failuresThroughHeaders() {
        Http.Response limited = http.post(base + "/v1/chat/completions", openAi("hi", ""), "Authorization", KEY, "X-Fake-Fail", "429");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isEqualTo("1");
        assertThat(limited.json().at("/error/type").asString()).isEqualTo("rate_limit_error");
        Http.Response overloaded = http.post(base + "/v1/messages", anthropic("hi", ""), "x-api-key", "k", "X-Fake-Fail", "529");
        assertThat(overloaded.status()).isEqualTo(529);
        assertThat(overloaded.json().at("/error/type").asString()).isEqualTo("overloaded_error");
        Http.Response broken = http.post(base + "/v1/chat/completions", openAi("hi", ",\"stream\":true"), "Authorization", KEY,
                "X-Fake-Fail", "500");
        assertThat(broken.status()).isEqualTo(500);
        assertThat(broken.json().at("/error/type").asString()).isEqualTo("api_error");

        long t0 = System.nanoTime();
        Http.Response slow = http.post(base + "/v1/chat/completions", openAi("hi", ""), "Authorization", KEY, "X-Fake-Stall-Ms", "300");
        assertThat(slow.status()).isEqualTo(200);
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));

        int before = fake.requestCount();
        assertThatThrownBy(() -> http.post(base + "/v1/chat/completions", openAi("hi", ""), "Authorization", KEY, "X-Fake-Drop", "true"))
                .isInstanceOf(IllegalStateException.class);
        assertThat(fake.requestCount()).isEqualTo(before + 1);
        assertThat(http.post(base + "/v1/chat/completions", openAi("hi", ""), "Authorization", KEY).status()).isEqualTo(200);
    }

    @Test
    void failuresThroughTheInstance() {
        int before = fake.requestCount();
        fake.failNext(500, 2);
        assertThat(http.post(base + "/v1/chat/completions", openAi("hi", ""), "Authorization", KEY).status()).isEqualTo(500);
        assertThat(http.post(base + "/v1/messages", anthropic("hi", ""), "x-api-key", "k").status()).isEqualTo(500);
        assertThat(http.post(base + "/v1/chat/completions", openAi("hi", ""), "Authorization", KEY).status()).isEqualTo(200);
        assertThat(fake.requestCount()).isEqualTo(before + 3);

        fake.failNext(429, 1);
        Http.Response limited = http.post(base + "/v1/messages", anthropic("hi", ""), "x-api-key", "k");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isEqualTo("1");
        assertThat(limited.json().at("/error/type").asString()).isEqualTo("rate_limit_error");

        fake.stallNext(250, 1);
        long t0 = System.nanoTime();
        List<Chunk> chunks = stream(base + "/v1/chat/completions", openAi("a b c", ",\"stream\":true"), "Authorization", KEY);
        assertThat(chunks.getFirst().nanos() - t0).as("time to first byte").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
        long t1 = System.nanoTime();
        stream(base + "/v1/chat/completions", openAi("a b c", ",\"stream\":true"), "Authorization", KEY);
        assertThat(System.nanoTime() - t1).as("only the next request stalls").isLessThan(TimeUnit.MILLISECONDS.toNanos(250));

        fake.dropNext(1);
        assertThatThrownBy(() -> http.post(base + "/v1/chat/completions", openAi("hi", ""), "Authorization", KEY))
                .isInstanceOf(IllegalStateException.class);
        assertThat(http.post(base + "/v1/chat/completions", openAi("hi", ""), "Authorization", KEY).status()).isEqualTo(200);
    }

    @Test
    void aClientThatLeavesMidStreamDoesNotBreakTheServer() {
        String longText = "word ".repeat(60);
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(base + "/v1/chat/completions")
                .addHeader("Authorization", KEY);
        String first = http.onEventLoop(c -> c.request(options).compose(req -> req.send(Buffer.buffer(openAi(longText, ",\"stream\":true"))))
                .compose(resp -> {
                    Promise<String> got = Promise.promise();
                    resp.handler(b -> {
                        got.tryComplete(b.toString(StandardCharsets.UTF_8));
                        resp.request().connection().close();
                    });
                    return got.future();
                }));
        assertThat(first).startsWith("data: ");
        assertThat(http.post(base + "/v1/chat/completions", openAi("still here", ""), "Authorization", KEY)
                .json().at("/choices/0/message/content").asString()).isEqualTo("still here");
    }
}
