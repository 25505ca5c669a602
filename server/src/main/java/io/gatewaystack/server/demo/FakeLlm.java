package io.gatewaystack.server.demo;

import io.gatewaystack.proxy.llm.ApiFormat;
import io.gatewaystack.proxy.llm.SseEvent;
import io.gatewaystack.proxy.llm.Translation;
import io.gatewaystack.server.http.BodyReader;
import io.gatewaystack.server.http.JsonBodies;
import io.gatewaystack.server.http.Ports;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A fake LLM provider for the demo and for tests: a real HTTP server on 127.0.0.1 that speaks both the OpenAI and
 * the Anthropic APIs, streams, reports usage and fails on command — so failover, retries, time-to-first-token and
 * cut-off can be tested over real HTTP.
 *
 * <h2>Endpoints</h2> (matched on the end of the path, so {@code /v1/...}, Azure- or Gemini-style prefixes all work)
 * <ul>
 *   <li>{@code POST .../chat/completions} — OpenAI; {@code stream:true} answers with SSE chunks, and with a usage chunk
 *       when {@code stream_options.include_usage} is true; {@code max_completion_tokens}/{@code max_tokens} cut the
 *       answer ({@code finish_reason:"length"}).</li>
 *   <li>{@code POST .../messages} — Anthropic; {@code max_tokens} is required as in the real API; {@code stream:true}
 *       answers with {@code message_start ... message_stop} events.</li>
 *   <li>{@code POST .../embeddings} — deterministic vectors (8 dimensions, or {@code dimensions} up to 64) derived
 *       from SHA-256 of the input, unit length; {@code encoding_format:"base64"} supported.</li>
 *   <li>{@code POST .../responses} — OpenAI Responses API: {@code input} as a string or items, {@code instructions},
 *       {@code max_output_tokens} (cut: {@code status:"incomplete"}); {@code stream:true} answers with the typed
 *       events ({@code response.created ... response.output_text.delta ... response.completed}).</li>
 *   <li>{@code GET .../models} — lists {@code echo} and {@code fake-embedding} (Anthropic's list shape when the request
 *       has an {@code anthropic-version} header).</li>
 * </ul>
 * Every model answers like {@code echo}: with exactly the text of the <b>last user message</b> it received (its text
 * parts/blocks joined with {@code \n}; tool results when it has no text), so anyone can see what the provider saw.
 * The response's {@code model} is the requested one. <b>Tokens are whitespace-separated words</b>: input = the words
 * of every string under {@code system}, {@code content} and {@code text} in the request; output = the words of the
 * answer. Each request gets its own response id ({@code chatcmpl-fake-N} / {@code msg_fakeN}), also sent as
 * {@code x-request-id}.
 *
 * <h2>Tool calls</h2>
 * A request that forces a tool ({@code tool_choice} naming a function / tool) gets a call of that tool with the
 * arguments {@code {"text": <answer>}} instead of the text, streamed in word-sized argument fragments — unless its
 * last message is a tool result: then it answers with that result, as without tools. The same for the Responses API
 * ({@code tool_choice: {"type":"function","name":…}}: a {@code function_call} item, unless the input ends with a
 * {@code function_call_output}).
 *
 * <h2>Authentication</h2>
 * {@code Authorization: Bearer <non-empty>}, {@code x-api-key: <non-empty>} or (Azure) {@code api-key: <non-empty>}, else
 * 401 in the API's error shape.
 *
 * <h2>Failures on command</h2>
 * Per request through headers: {@code X-Fake-Drop: true} closes the connection without answering;
 * {@code X-Fake-Stall-Ms: N} waits N ms (≤ 60 s) before the first byte; {@code X-Fake-Fail: 500|429|529|...} answers
 * that status with an error body in the API's shape (429 with {@code Retry-After: 1}). Per instance:
 * {@link #failNext}, {@link #stallNext}, {@link #dropNext} for the next N requests (headers win). Order: drop, stall,
 * authentication, failure, answer.
 *
 * <h2>Streaming</h2>
 * The answer is sent in word-sized pieces (at most {@value #MAX_CHUNKS} chunks), one every {@value #CHUNK_DELAY_MS}
 * ms after the first event (or {@link #chunkDelay} / {@code X-Fake-Chunk-Delay-Ms: N}, ≤ 10 s, for slow streams), so a stream can be cut
 * off mid-way; a stream whose client went away stops.
 * Bounded: request bodies ≤ 1 MiB, ≤ 256 embedding inputs.
 *
 * <p>Introspection for tests: {@link #requestCount()} (every request, including failed and dropped ones),
 * {@link #lastRequestBody()}, {@link #lastAuthorization()}.
 */
public final class FakeLlm {

    public static final int MAX_BODY_BYTES = 1024 * 1024;
    public static final long MAX_STALL_MS = 60_000;
    public static final int MAX_CHUNKS = 64;
    public static final long CHUNK_DELAY_MS = 5;
    public static final long MAX_CHUNK_DELAY_MS = 10_000;
    private static final int MAX_EMBEDDING_INPUTS = 256;
    private static final Pattern PIECE = Pattern.compile("\\s*\\S+");
    private static final Translation ERRORS = new Translation();

    private final Vertx vertx;
    private volatile String deploymentId;
    private final int port;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger failTimes = new AtomicInteger();
    private volatile int failStatus;
    private final AtomicInteger stallTimes = new AtomicInteger();
    private volatile long stallMillis;
    private final AtomicInteger dropTimes = new AtomicInteger();
    private volatile long chunkDelayMillis = CHUNK_DELAY_MS;
    private volatile String lastRequestBody;
    private volatile String lastRequestUri;
    private volatile String lastAuthorization;
    private volatile io.vertx.core.MultiMap lastHeaders = io.vertx.core.MultiMap.caseInsensitiveMultiMap();

    private FakeLlm(Vertx vertx, int port) {
        this.vertx = vertx;
        this.port = port;
    }

    /** Starts on 127.0.0.1 at {@code port} (0 picks a free one). Blocking: call it from a test or main thread, not an event loop. */
    public static FakeLlm start(Vertx vertx, int port) {
        FakeLlm fake = new FakeLlm(vertx, port == 0 ? Ports.free() : port);
        try {
            fake.deploymentId = LoopbackServers.start(vertx, fake.port, fake::handle);
        } catch (Exception e) {
            throw new IllegalStateException("fake LLM cannot listen on 127.0.0.1:" + fake.port + ": " + e.getMessage(), e);
        }
        return fake;
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Future<Void> close() {
        return vertx.undeploy(deploymentId);
    }

    /** The next {@code times} requests answer {@code status} (with an error body in the API's shape). */
    public FakeLlm failNext(int status, int times) {
        failStatus = status;
        failTimes.set(Math.max(0, times));
        return this;
    }

    /** The next {@code times} requests wait {@code millis} (≤ 60 s) before the first byte. */
    public FakeLlm stallNext(long millis, int times) {
        stallMillis = Math.min(Math.max(0, millis), MAX_STALL_MS);
        stallTimes.set(Math.max(0, times));
        return this;
    }

    /** Streams send one chunk every {@code millis} (1 to 10,000) unless a request says otherwise: slow streams. */
    public FakeLlm chunkDelay(long millis) {
        chunkDelayMillis = Math.min(MAX_CHUNK_DELAY_MS, Math.max(1, millis));
        return this;
    }

    /** The next {@code times} requests get their connection closed without an answer. */
    public FakeLlm dropNext(int times) {
        dropTimes.set(Math.max(0, times));
        return this;
    }

    /** Requests received so far, whatever became of them. */
    public int requestCount() {
        return requests.get();
    }

    /** The body of the last request (UTF-8 text), null before any. */
    public String lastRequestBody() {
        return lastRequestBody;
    }

    /** A header of the last request as the provider received it, or null. */
    public String lastHeader(String name) {
        return lastHeaders.get(name);
    }

    /** The path and query of the last request as the provider received it, or null before any. */
    public String lastRequestUri() {
        return lastRequestUri;
    }

    /** The last request's {@code Authorization} header as received, or its {@code x-api-key} when it had none. */
    public String lastAuthorization() {
        return lastAuthorization;
    }

    // ---------------------------------------------------------------------------------------------- handling

    private static boolean take(AtomicInteger counter) {
        return counter.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    private void handle(HttpServerRequest request) {
        requests.incrementAndGet();
        String authorization = request.getHeader("Authorization");
        String apiKey = request.getHeader("x-api-key");
        lastAuthorization = authorization != null ? authorization : apiKey;
        lastHeaders = io.vertx.core.MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
        lastRequestUri = request.uri();
        ApiFormat format = request.path().endsWith("/messages") || request.getHeader("anthropic-version") != null
                ? ApiFormat.ANTHROPIC_MESSAGES : ApiFormat.OPENAI_CHAT;
        // decided now, in arrival order, not when the body has been read
        boolean drop = "true".equalsIgnoreCase(request.getHeader("X-Fake-Drop")) || take(dropTimes);
        long stall = headerLong(request, "X-Fake-Stall-Ms", -1);
        stall = stall >= 0 ? Math.min(stall, MAX_STALL_MS) : (take(stallTimes) ? stallMillis : 0);
        long failHeader = headerLong(request, "X-Fake-Fail", -1);
        int fail = failHeader >= 100 && failHeader <= 599 ? (int) failHeader : (take(failTimes) ? failStatus : 0);
        long delay = stall;
        long chunkDelay = Math.min(MAX_CHUNK_DELAY_MS, Math.max(1, headerLong(request, "X-Fake-Chunk-Delay-Ms", chunkDelayMillis)));
        BodyReader.read(request, MAX_BODY_BYTES).onComplete(ar -> {
            if (ar.failed()) {
                error(request.response(), 413, "request_too_large", "request body larger than " + MAX_BODY_BYTES + " bytes", format);
                return;
            }
            String body = ar.result().toString(StandardCharsets.UTF_8);
            lastRequestBody = body;
            if (drop) {
                request.connection().close();
                return;
            }
            Runnable answer = () -> answer(request, body, format, fail, chunkDelay);
            if (delay > 0) {
                vertx.setTimer(delay, t -> answer.run());
            } else {
                answer.run();
            }
        });
    }

    private static long headerLong(HttpServerRequest request, String name, long otherwise) {
        String value = request.getHeader(name);
        if (value == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private void answer(HttpServerRequest request, String body, ApiFormat format, int fail, long chunkDelay) {
        HttpServerResponse response = request.response();
        if (response.closed()) {
            return;
        }
        if (!authenticated(request)) {
            error(response, 401, "invalid_api_key", "missing or empty API key (Authorization: Bearer, x-api-key or api-key)", format);
            return;
        }
        if (fail > 0) {
            if (fail == 429) {
                response.putHeader("Retry-After", "1");
            }
            error(response, fail, "fake_failure", "fake LLM failure " + fail + " on request", format);
            return;
        }
        String path = request.path();
        if (request.method() == HttpMethod.GET && path.endsWith("/models")) {
            models(response, request.getHeader("anthropic-version") != null);
            return;
        }
        if (request.method() != HttpMethod.POST) {
            error(response, 404, "not_found", "no such endpoint: " + request.method() + " " + path, format);
            return;
        }
        JsonNode json = JsonBodies.parseOrNull(Buffer.buffer(body));
        if (!(json instanceof ObjectNode in)) {
            error(response, 400, "invalid_json", "the request body is not a JSON object", format);
            return;
        }
        if (path.endsWith("/chat/completions")) {
            chat(response, in, ApiFormat.OPENAI_CHAT, chunkDelay);
        } else if (path.endsWith("/messages")) {
            chat(response, in, ApiFormat.ANTHROPIC_MESSAGES, chunkDelay);
        } else if (path.endsWith("/embeddings")) {
            embeddings(response, in);
        } else if (path.endsWith("/responses")) {
            responses(response, in, chunkDelay);
        } else {
            error(response, 404, "not_found", "no such endpoint: POST " + path, format);
        }
    }

    private static boolean authenticated(HttpServerRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) && !authorization.substring(7).isBlank()) {
            return true;
        }
        String apiKey = request.getHeader("x-api-key");
        if (apiKey == null) {
            apiKey = request.getHeader("api-key"); // Azure OpenAI's header
        }
        return apiKey != null && !apiKey.isBlank();
    }

    private static void error(HttpServerResponse response, int status, String code, String message, ApiFormat format) {
        if (response.closed() || response.headWritten()) {
            return;
        }
        response.setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(JsonBodies.encode(ERRORS.error(status, code, message, format)));
    }

    // -------------------------------------------------------------------------------------------------- chat

    /** An echo answer cut to the request's output maximum, and the token counts its usage reports. */
    private record Reply(List<String> pieces, boolean truncated, long inputTokens, long outputTokens, String text) {
        static Reply of(ObjectNode in, String answer, long maxTokens) {
            List<String> pieces = FakeLlm.pieces(answer);
            boolean truncated = pieces.size() > maxTokens;
            if (truncated) {
                pieces = new ArrayList<>(pieces.subList(0, (int) Math.max(0, maxTokens)));
            }
            long outputTokens = truncated ? pieces.size() : countWords(answer);
            return new Reply(pieces, truncated, words(in), outputTokens, String.join("", pieces));
        }
    }

    private void chat(HttpServerResponse response, ObjectNode in, ApiFormat format, long chunkDelay) {
        boolean anthropic = format == ApiFormat.ANTHROPIC_MESSAGES;
        JsonNode messages = in.get("messages");
        if (messages == null || !messages.isArray()) {
            error(response, 400, "invalid_request", "messages: an array is required", format);
            return;
        }
        JsonNode maxNode = anthropic ? in.get("max_tokens")
                : (in.has("max_completion_tokens") ? in.get("max_completion_tokens") : in.get("max_tokens"));
        if (anthropic && (maxNode == null || !maxNode.isNumber())) {
            error(response, 400, "invalid_request", "max_tokens: Field required", format);
            return;
        }
        long maxTokens = maxNode != null && maxNode.isNumber() ? maxNode.asLong() : Long.MAX_VALUE;
        String model = in.get("model") != null && in.get("model").isString() ? in.get("model").stringValue() : "echo";
        String answer = lastUserText(messages, anthropic);
        Reply reply = Reply.of(in, answer, maxTokens);
        long n = ids.incrementAndGet();
        String id = anthropic ? "msg_fake" + n : "chatcmpl-fake-" + n;
        response.putHeader("x-request-id", id);
        boolean stream = streams(in);
        String tool = endsWithToolResult(messages) ? null : forcedTool(in.get("tool_choice"), anthropic);
        if (tool != null && !reply.truncated()) {
            toolCall(response, id, model, tool, reply.text(), stream, anthropic, reply.inputTokens(),
                    reply.outputTokens(), chunkDelay,
                    in.at("/stream_options/include_usage").asBoolean(false));
            return;
        }
        if (!stream) {
            ObjectNode out = anthropic
                    ? anthropicMessage(id, model, reply.text(), reply.truncated() ? "max_tokens" : "end_turn",
                            reply.inputTokens(), reply.outputTokens())
                    : openAiCompletion(id, model, reply.text(), reply.truncated() ? "length" : "stop",
                            reply.inputTokens(), reply.outputTokens());
            response.putHeader("Content-Type", "application/json").end(JsonBodies.encode(out));
            return;
        }
        List<SseEvent> events = anthropic
                ? anthropicEvents(id, model, group(reply.pieces()), reply.truncated() ? "max_tokens" : "end_turn",
                        reply.inputTokens(), reply.outputTokens())
                : openAiEvents(id, model, group(reply.pieces()), reply.truncated() ? "length" : "stop",
                        reply.inputTokens(), reply.outputTokens(),
                        in.at("/stream_options/include_usage").asBoolean(false));
        response.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache");
        send(response, events, 0, chunkDelay);
    }

    /** Writes the first event now and the others one every {@code delay} ms; stops if the client left. */
    private void send(HttpServerResponse response, List<SseEvent> events, int next, long delay) {
        if (response.closed()) {
            return;
        }
        if (next == events.size()) {
            response.end();
            return;
        }
        response.write(Buffer.buffer(events.get(next).encode()));
        vertx.setTimer(delay, t -> send(response, events, next + 1, delay));
    }

    // ---------------------------------------------------------------------------------------------- tool calls

    /**
     * The tool a request forces ({@code tool_choice: {"type":"function","function":{"name":…}}} in OpenAI's API,
     * {@code {"type":"tool","name":…}} in Anthropic's), or null: as the real APIs, a forced tool always gets a call.
     */
    static String forcedTool(JsonNode choice, boolean anthropic) {
        if (choice == null || !choice.isObject()) return null;
        JsonNode name = anthropic
                ? ("tool".equals(choice.path("type").asString("")) ? choice.get("name") : null)
                : ("function".equals(choice.path("type").asString("")) ? choice.path("function").get("name") : null);
        return name != null && name.isString() && !name.stringValue().isEmpty() ? name.stringValue() : null;
    }

    /** Whether the conversation's last message carries a tool result (OpenAI role {@code tool}, Anthropic {@code tool_result}). */
    static boolean endsWithToolResult(JsonNode messages) {
        if (messages.isEmpty()) return false;
        JsonNode last = messages.get(messages.size() - 1);
        if ("tool".equals(last.path("role").asString(""))) return true;
        for (JsonNode part : last.path("content")) {
            if ("tool_result".equals(part.path("type").asString(""))) return true;
        }
        return false;
    }

    /**
     * The answer as a call of {@code tool} with the arguments {@code {"text": <answer>}}; streamed, the arguments
     * JSON comes in word-sized fragments ({@code delta.tool_calls[].function.arguments} /
     * {@code input_json_delta}), as real models stream them.
     */
    private void toolCall(HttpServerResponse response, String id, String model, String tool, String text, boolean stream,
                          boolean anthropic, long inputTokens, long outputTokens, long chunkDelay, boolean includeUsage) {
        ObjectNode input = JsonBodies.MAPPER.createObjectNode().put("text", text);
        String arguments = JsonBodies.MAPPER.writeValueAsString(input);
        String callId = (anthropic ? "toolu_fake" : "call_fake") + ids.incrementAndGet();
        if (!stream) {
            ObjectNode out;
            if (anthropic) {
                out = anthropicMessage(id, model, "", "tool_use", inputTokens, outputTokens);
                ArrayNode content = out.putArray("content");
                content.addObject().put("type", "tool_use").put("id", callId).put("name", tool).set("input", input);
            } else {
                out = openAiCompletion(id, model, "", "tool_calls", inputTokens, outputTokens);
                ObjectNode message = (ObjectNode) out.at("/choices/0/message");
                message.putNull("content");
                ObjectNode call = message.putArray("tool_calls").addObject().put("id", callId).put("type", "function");
                call.putObject("function").put("name", tool).put("arguments", arguments);
            }
            response.putHeader("Content-Type", "application/json").end(JsonBodies.encode(out));
            return;
        }
        List<String> fragments = group(pieces(arguments));
        List<SseEvent> events = new ArrayList<>(fragments.size() + 7);
        if (anthropic) {
            List<SseEvent> text0 = anthropicEvents(id, model, List.of(), "tool_use", inputTokens, outputTokens);
            events.add(text0.getFirst()); // message_start
            ObjectNode blockStart = JsonBodies.MAPPER.createObjectNode().put("type", "content_block_start").put("index", 0);
            blockStart.putObject("content_block").put("type", "tool_use").put("id", callId).put("name", tool).putObject("input");
            events.add(anthropic(blockStart));
            for (String fragment : fragments) {
                ObjectNode delta = JsonBodies.MAPPER.createObjectNode().put("type", "content_block_delta").put("index", 0);
                delta.putObject("delta").put("type", "input_json_delta").put("partial_json", fragment);
                events.add(anthropic(delta));
            }
            events.addAll(text0.subList(text0.size() - 3, text0.size())); // content_block_stop, message_delta, message_stop
        } else {
            long created = System.currentTimeMillis() / 1000;
            ObjectNode first = JsonBodies.MAPPER.createObjectNode().put("role", "assistant").putNull("content");
            ObjectNode call = first.putArray("tool_calls").addObject().put("index", 0).put("id", callId).put("type", "function");
            call.putObject("function").put("name", tool).put("arguments", "");
            events.add(openAiChunk(id, model, created, first, null, includeUsage));
            for (String fragment : fragments) {
                ObjectNode delta = JsonBodies.MAPPER.createObjectNode();
                delta.putArray("tool_calls").addObject().put("index", 0).putObject("function").put("arguments", fragment);
                events.add(openAiChunk(id, model, created, delta, null, includeUsage));
            }
            List<SseEvent> end = openAiEvents(id, model, List.of(), "tool_calls", inputTokens, outputTokens, includeUsage);
            events.addAll(end.subList(1, end.size())); // the finish chunk, the usage chunk if asked, [DONE]
        }
        response.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache");
        send(response, events, 0, chunkDelay);
    }

    private static ObjectNode openAiCompletion(String id, String model, String text, String finish, long in, long out) {
        ObjectNode body = JsonBodies.MAPPER.createObjectNode();
        body.put("id", id).put("object", "chat.completion").put("created", System.currentTimeMillis() / 1000).put("model", model);
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant").put("content", text);
        message.putNull("refusal");
        message.putArray("annotations");
        choice.putNull("logprobs");
        choice.put("finish_reason", finish);
        body.set("usage", openAiUsage(in, out));
        return body;
    }

    private static ObjectNode openAiUsage(long in, long out) {
        ObjectNode usage = JsonBodies.MAPPER.createObjectNode();
        usage.put("prompt_tokens", in).put("completion_tokens", out).put("total_tokens", in + out);
        usage.putObject("prompt_tokens_details").put("cached_tokens", 0).put("audio_tokens", 0);
        usage.putObject("completion_tokens_details").put("reasoning_tokens", 0).put("audio_tokens", 0)
                .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
        return usage;
    }

    private static List<SseEvent> openAiEvents(String id, String model, List<String> chunks, String finish, long in, long out,
                                               boolean includeUsage) {
        long created = System.currentTimeMillis() / 1000;
        List<SseEvent> events = new ArrayList<>(chunks.size() + 4);
        events.add(openAiChunk(id, model, created, JsonBodies.MAPPER.createObjectNode().put("role", "assistant").put("content", ""),
                null, includeUsage));
        for (String chunk : chunks) {
            events.add(openAiChunk(id, model, created, JsonBodies.MAPPER.createObjectNode().put("content", chunk), null, includeUsage));
        }
        events.add(openAiChunk(id, model, created, JsonBodies.MAPPER.createObjectNode(), finish, includeUsage));
        if (includeUsage) {
            ObjectNode last = JsonBodies.MAPPER.createObjectNode();
            last.put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
            last.putArray("choices");
            last.set("usage", openAiUsage(in, out));
            events.add(SseEvent.data(JsonBodies.MAPPER.writeValueAsString(last)));
        }
        events.add(SseEvent.DONE);
        return events;
    }

    private static SseEvent openAiChunk(String id, String model, long created, ObjectNode delta, String finish, boolean includeUsage) {
        ObjectNode chunk = JsonBodies.MAPPER.createObjectNode();
        chunk.put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        if (includeUsage) {
            chunk.putNull("usage");
        }
        return SseEvent.data(JsonBodies.MAPPER.writeValueAsString(chunk));
    }

    private static ObjectNode anthropicMessage(String id, String model, String text, String stop, long in, long out) {
        ObjectNode body = JsonBodies.MAPPER.createObjectNode();
        body.put("id", id).put("type", "message").put("role", "assistant").put("model", model);
        body.putArray("content").addObject().put("type", "text").put("text", text);
        body.put("stop_reason", stop).putNull("stop_sequence");
        body.set("usage", anthropicUsage(in, out));
        return body;
    }

    private static ObjectNode anthropicUsage(long in, long out) {
        ObjectNode usage = JsonBodies.MAPPER.createObjectNode();
        usage.put("input_tokens", in).put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", 0).put("output_tokens", out);
        return usage;
    }

    private static List<SseEvent> anthropicEvents(String id, String model, List<String> chunks, String stop, long in, long out) {
        List<SseEvent> events = new ArrayList<>(chunks.size() + 7);
        ObjectNode start = JsonBodies.MAPPER.createObjectNode().put("type", "message_start");
        ObjectNode message = start.putObject("message");
        message.put("id", id).put("type", "message").put("role", "assistant").put("model", model);
        message.putArray("content");
        message.putNull("stop_reason").putNull("stop_sequence");
        message.set("usage", anthropicUsage(in, Math.min(1, out)));
        events.add(anthropic(start));
        ObjectNode blockStart = JsonBodies.MAPPER.createObjectNode().put("type", "content_block_start").put("index", 0);
        blockStart.putObject("content_block").put("type", "text").put("text", "");
        events.add(anthropic(blockStart));
        events.add(new SseEvent("ping", "{\"type\": \"ping\"}"));
        for (String chunk : chunks) {
            ObjectNode delta = JsonBodies.MAPPER.createObjectNode().put("type", "content_block_delta").put("index", 0);
            delta.putObject("delta").put("type", "text_delta").put("text", chunk);
            events.add(anthropic(delta));
        }
        events.add(anthropic(JsonBodies.MAPPER.createObjectNode().put("type", "content_block_stop").put("index", 0)));
        ObjectNode end = JsonBodies.MAPPER.createObjectNode().put("type", "message_delta");
        end.putObject("delta").put("stop_reason", stop).putNull("stop_sequence");
        end.putObject("usage").put("output_tokens", out);
        events.add(anthropic(end));
        events.add(anthropic(JsonBodies.MAPPER.createObjectNode().put("type", "message_stop")));
        return events;
    }

    private static SseEvent anthropic(ObjectNode json) {
        return new SseEvent(json.get("type").stringValue(), JsonBodies.MAPPER.writeValueAsString(json));
    }

    // ---------------------------------------------------------------------------------------------- responses

    /** {@code POST .../responses}: the Responses API, answering with the last user input's text. */
    private void responses(HttpServerResponse response, ObjectNode in, long chunkDelay) {
        JsonNode input = in.get("input");
        String answer;
        if (input != null && input.isString()) {
            answer = input.stringValue();
        } else if (input != null && input.isArray()) {
            answer = lastUserText(input, false);
        } else {
            error(response, 400, "invalid_request", "input: a string or an array of items is required", ApiFormat.OPENAI_CHAT);
            return;
        }
        JsonNode maxNode = in.get("max_output_tokens");
        long maxTokens = maxNode != null && maxNode.isNumber() ? maxNode.asLong() : Long.MAX_VALUE;
        Reply reply = Reply.of(in, answer, maxTokens);
        long n = ids.incrementAndGet();
        String id = "resp_fake" + n;
        String messageId = "msg_fake" + n;
        String model = in.get("model") != null && in.get("model").isString() ? in.get("model").stringValue() : "echo";
        response.putHeader("x-request-id", id);
        long created = System.currentTimeMillis() / 1000;
        ObjectNode done = responseObject(id, created, model, in, reply.truncated() ? "incomplete" : "completed");
        ObjectNode item = ((ArrayNode) done.get("output")).addObject();
        ObjectNode usage = done.putObject("usage");
        usage.put("input_tokens", reply.inputTokens()).putObject("input_tokens_details").put("cached_tokens", 0);
        usage.put("output_tokens", reply.outputTokens()).putObject("output_tokens_details").put("reasoning_tokens", 0);
        usage.put("total_tokens", reply.inputTokens() + reply.outputTokens());
        JsonNode choice = in.get("tool_choice");
        String tool = choice != null && "function".equals(choice.path("type").asString("")) && choice.path("name").isString()
                ? choice.path("name").stringValue() : null;
        boolean endsWithOutput = input.isArray() && !input.isEmpty()
                && "function_call_output".equals(input.get(input.size() - 1).path("type").asString(""));
        if (tool != null && !tool.isEmpty() && !endsWithOutput && !reply.truncated()) {
            responsesToolCall(response, done, item, "fc_fake" + n, tool, reply.text(), in, chunkDelay);
            return;
        }
        item.put("id", messageId).put("type", "message").put("status", "completed").put("role", "assistant");
        item.putArray("content").add(outputText(reply.text()));
        if (!streams(in)) {
            response.putHeader("Content-Type", "application/json").end(JsonBodies.encode(done));
            return;
        }
        ObjectNode inProgress = responseObject(id, created, model, in, "in_progress");
        inProgress.putNull("usage");
        ResponsesStream stream = new ResponsesStream(inProgress);
        ObjectNode added = JsonBodies.MAPPER.createObjectNode().put("type", "response.output_item.added").put("output_index", 0);
        added.putObject("item").put("id", messageId).put("type", "message").put("status", "in_progress")
                .put("role", "assistant").putArray("content");
        stream.add(added);
        ObjectNode partAdded = part("response.content_part.added", messageId);
        partAdded.set("part", outputText(""));
        stream.add(partAdded);
        for (String chunk : group(reply.pieces())) {
            ObjectNode delta = part("response.output_text.delta", messageId).put("delta", chunk);
            delta.putArray("logprobs");
            stream.add(delta);
        }
        ObjectNode textDone = part("response.output_text.done", messageId).put("text", reply.text());
        textDone.putArray("logprobs");
        stream.add(textDone);
        ObjectNode partDone = part("response.content_part.done", messageId);
        partDone.set("part", outputText(reply.text()));
        stream.add(partDone);
        stream.finish(item, reply.truncated() ? "response.incomplete" : "response.completed", done, response, chunkDelay);
    }

    private static boolean streams(ObjectNode in) {
        return in.get("stream") != null && in.get("stream").asBoolean(false);
    }

    /** The numbered events of one Responses API stream: opened with created and in_progress, closed by finish. */
    private final class ResponsesStream {
        private final List<SseEvent> events = new ArrayList<>();
        private int sequence;

        ResponsesStream(ObjectNode inProgress) {
            for (String type : List.of("response.created", "response.in_progress")) {
                ObjectNode e = JsonBodies.MAPPER.createObjectNode().put("type", type);
                e.set("response", inProgress);
                add(e);
            }
        }

        void add(ObjectNode e) {
            e.put("sequence_number", sequence++);
            events.add(new SseEvent(e.get("type").stringValue(), JsonBodies.MAPPER.writeValueAsString(e)));
        }

        /** The output item's done event, the final one ({@code completedType}, with {@code done}), then sends all. */
        void finish(ObjectNode item, String completedType, ObjectNode done, HttpServerResponse response, long chunkDelay) {
            ObjectNode itemDone = JsonBodies.MAPPER.createObjectNode().put("type", "response.output_item.done").put("output_index", 0);
            itemDone.set("item", item);
            add(itemDone);
            ObjectNode completed = JsonBodies.MAPPER.createObjectNode().put("type", completedType);
            completed.set("response", done);
            add(completed);
            response.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache");
            send(response, events, 0, chunkDelay);
        }
    }

    private static ObjectNode responseObject(String id, long created, String model, ObjectNode in, String status) {
        ObjectNode out = JsonBodies.MAPPER.createObjectNode();
        out.put("id", id).put("object", "response").put("created_at", created).put("status", status);
        out.putNull("error");
        if (status.equals("incomplete")) {
            out.putObject("incomplete_details").put("reason", "max_output_tokens");
        } else {
            out.putNull("incomplete_details");
        }
        out.set("instructions", in.has("instructions") ? in.get("instructions") : JsonBodies.MAPPER.nullNode());
        out.set("max_output_tokens", in.has("max_output_tokens") ? in.get("max_output_tokens") : JsonBodies.MAPPER.nullNode());
        out.put("model", model);
        out.putArray("output");
        out.put("parallel_tool_calls", true).putNull("previous_response_id");
        out.putObject("reasoning").putNull("effort").putNull("summary");
        out.put("store", false).put("temperature", 1.0);
        out.putObject("text").putObject("format").put("type", "text");
        out.put("tool_choice", "auto");
        out.putArray("tools");
        out.put("top_p", 1.0).put("truncation", "disabled");
        out.set("user", in.has("user") ? in.get("user") : JsonBodies.MAPPER.nullNode());
        out.putObject("metadata");
        return out;
    }

    /**
     * A Responses API answer that calls {@code tool} with {@code {"text": <answer>}}: a {@code function_call} output
     * item; streamed, its arguments come in word-sized {@code response.function_call_arguments.delta} events.
     */
    private void responsesToolCall(HttpServerResponse response, ObjectNode done, ObjectNode item, String itemId, String tool,
                                   String text, ObjectNode in, long chunkDelay) {
        String arguments = JsonBodies.MAPPER.writeValueAsString(JsonBodies.MAPPER.createObjectNode().put("text", text));
        item.put("id", itemId).put("type", "function_call").put("status", "completed").put("arguments", arguments)
                .put("call_id", "call_" + itemId).put("name", tool);
        if (!streams(in)) {
            response.putHeader("Content-Type", "application/json").end(JsonBodies.encode(done));
            return;
        }
        ObjectNode inProgress = done.deepCopy().put("status", "in_progress");
        inProgress.putArray("output");
        inProgress.putNull("usage");
        ResponsesStream stream = new ResponsesStream(inProgress);
        ObjectNode added = JsonBodies.MAPPER.createObjectNode().put("type", "response.output_item.added").put("output_index", 0);
        added.set("item", item.deepCopy().put("status", "in_progress").put("arguments", ""));
        stream.add(added);
        for (String fragment : group(pieces(arguments))) {
            stream.add(JsonBodies.MAPPER.createObjectNode().put("type", "response.function_call_arguments.delta")
                    .put("item_id", itemId).put("output_index", 0).put("delta", fragment));
        }
        stream.add(JsonBodies.MAPPER.createObjectNode().put("type", "response.function_call_arguments.done")
                .put("item_id", itemId).put("output_index", 0).put("arguments", arguments));
        stream.finish(item, "response.completed", done, response, chunkDelay);
    }

    private static ObjectNode part(String type, String itemId) {
        return JsonBodies.MAPPER.createObjectNode().put("type", type).put("item_id", itemId).put("output_index", 0).put("content_index", 0);
    }

    private static ObjectNode outputText(String text) {
        ObjectNode part = JsonBodies.MAPPER.createObjectNode().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    // --------------------------------------------------------------------------------------------- embeddings

    private static void embeddings(HttpServerResponse response, ObjectNode in) {
        JsonNode input = in.get("input");
        List<String> texts = new ArrayList<>();
        if (input != null && input.isString()) {
            texts.add(input.stringValue());
        } else if (input != null && input.isArray() && !input.isEmpty() && input.get(0).isNumber()) {
            texts.add(JsonBodies.MAPPER.writeValueAsString(input)); // one input given as token ids
        } else if (input != null && input.isArray()) {
            for (JsonNode item : input) {
                texts.add(item.isString() ? item.stringValue() : JsonBodies.MAPPER.writeValueAsString(item));
            }
        }
        if (texts.isEmpty() || texts.size() > MAX_EMBEDDING_INPUTS) {
            error(response, 400, "invalid_request", "input: 1 to " + MAX_EMBEDDING_INPUTS + " inputs required", ApiFormat.OPENAI_CHAT);
            return;
        }
        int dimensions = in.get("dimensions") != null && in.get("dimensions").isNumber()
                ? (int) Math.min(64, Math.max(1, in.get("dimensions").asLong())) : 8;
        boolean base64 = "base64".equals(in.get("encoding_format") == null ? null : in.get("encoding_format").asString(""));
        ObjectNode out = JsonBodies.MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        long tokens = 0;
        for (int i = 0; i < texts.size(); i++) {
            float[] vector = vector(texts.get(i), dimensions);
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            if (base64) {
                ByteBuffer bytes = ByteBuffer.allocate(4 * dimensions).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : vector) {
                    bytes.putFloat(f);
                }
                item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float f : vector) {
                    values.add(f);
                }
            }
            tokens += countWords(texts.get(i));
        }
        out.put("model", in.get("model") != null && in.get("model").isString() ? in.get("model").stringValue() : "fake-embedding");
        out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        response.putHeader("Content-Type", "application/json").end(JsonBodies.encode(out));
    }

    /** A unit vector from SHA-256 of the text: the same text always gets the same vector. */
    static float[] vector(String text, int dimensions) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] digest = sha.digest(text.getBytes(StandardCharsets.UTF_8));
        float[] vector = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            vector[i] = (digest[i % digest.length] + 0.5f) / 128f + (i / digest.length) * 0.01f;
            norm += vector[i] * vector[i];
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dimensions; i++) {
            vector[i] *= scale;
        }
        return vector;
    }

    // -------------------------------------------------------------------------------------------------- models

    private static void models(HttpServerResponse response, boolean anthropic) {
        ObjectNode out = JsonBodies.MAPPER.createObjectNode();
        ArrayNode data = out.putArray("data");
        for (String id : List.of("echo", "fake-embedding")) {
            if (anthropic) {
                data.addObject().put("type", "model").put("id", id).put("display_name", id).put("created_at", "2025-01-01T00:00:00Z");
            } else {
                data.addObject().put("id", id).put("object", "model").put("created", 1735689600L).put("owned_by", "gatewaystack");
            }
        }
        if (anthropic) {
            out.put("has_more", false).put("first_id", "echo").put("last_id", "fake-embedding");
        } else {
            out.put("object", "list");
        }
        response.putHeader("Content-Type", "application/json").end(JsonBodies.encode(out));
    }

    // ---------------------------------------------------------------------------------------------------- text

    /** The text of the last user message: text parts/blocks joined with LF; its tool results' text when it has none. */
    static String lastUserText(JsonNode messages, boolean anthropic) {
        JsonNode last = null;
        for (JsonNode m : messages) {
            if (m != null && "user".equals(m.path("role").asString(""))) {
                last = m;
            }
        }
        if (last == null) {
            return "";
        }
        JsonNode content = last.get("content");
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isString()) {
            return content.stringValue();
        }
        List<String> texts = new ArrayList<>();
        List<String> toolTexts = new ArrayList<>();
        for (JsonNode part : content) {
            String type = part.path("type").asString("");
            if ((type.equals("text") || type.equals("input_text")) && part.get("text") != null && part.get("text").isString()) {
                texts.add(part.get("text").stringValue());
            } else if (anthropic && type.equals("tool_result")) {
                JsonNode c = part.get("content");
                if (c != null && c.isString()) {
                    toolTexts.add(c.stringValue());
                } else if (c != null && c.isArray()) {
                    for (JsonNode b : c) {
                        if (b.get("text") != null && b.get("text").isString()) {
                            toolTexts.add(b.get("text").stringValue());
                        }
                    }
                }
            }
        }
        return String.join("\n", texts.isEmpty() ? toolTexts : texts);
    }

    /** The answer in word pieces (each with the whitespace before it); their concatenation is exactly the text. */
    static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        Matcher m = PIECE.matcher(text);
        int end = 0;
        while (m.find()) {
            pieces.add(m.group());
            end = m.end();
        }
        if (end < text.length()) {
            if (pieces.isEmpty()) {
                pieces.add(text.substring(end));
            } else {
                pieces.set(pieces.size() - 1, pieces.getLast() + text.substring(end));
            }
        }
        return pieces;
    }

    /** At most {@link #MAX_CHUNKS} stream chunks: pieces grouped evenly when there are more. */
    private static List<String> group(List<String> pieces) {
        if (pieces.size() <= MAX_CHUNKS) {
            return pieces;
        }
        List<String> chunks = new ArrayList<>(MAX_CHUNKS);
        int per = (pieces.size() + MAX_CHUNKS - 1) / MAX_CHUNKS;
        for (int i = 0; i < pieces.size(); i += per) {
            chunks.add(String.join("", pieces.subList(i, Math.min(pieces.size(), i + per))));
        }
        return chunks;
    }

    static long countWords(String text) {
        long n = 0;
        Matcher m = PIECE.matcher(text);
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** Words of every string under "system", "content" and "text" anywhere in the request. */
    private static long words(JsonNode node) {
        long n = 0;
        if (node.isObject()) {
            for (var field : node.properties()) {
                String name = field.getKey().toLowerCase(Locale.ROOT);
                JsonNode value = field.getValue();
                if (value.isString() && (name.equals("system") || name.equals("content") || name.equals("text")
                        || name.equals("input") || name.equals("instructions") || name.equals("output"))) {
                    n += countWords(value.stringValue());
                } else if (value.isContainer()) {
                    n += words(value);
                }
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                n += words(item);
            }
        }
        return n;
    }
}
