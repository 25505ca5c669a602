package io.gatewaystack.proxy.llm;

import static io.gatewaystack.proxy.llm.Json.isObject;
import static io.gatewaystack.proxy.llm.Json.object;
import static io.gatewaystack.proxy.llm.Json.str;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Translates one streamed response, event by event, from the upstream's format to the client's, without buffering
 * the answer: each upstream event (from {@link SseParser}) yields the client events to write now.
 *
 * <h2>OpenAI chunks → Anthropic events</h2>
 * The first chunk opens {@code message_start}; {@code delta.content} (and {@code delta.refusal}) become a text block
 * ({@code content_block_start}, {@code text_delta}s); each {@code delta.tool_calls[]} entry with a new
 * {@code index}/{@code id} closes the open block and opens a {@code tool_use} block whose {@code function.arguments}
 * fragments become {@code input_json_delta}s; {@code finish_reason} closes the open block; the usage chunk
 * ({@code stream_options.include_usage}) is remembered; {@code data: [DONE]} (or {@link #finish()}) emits
 * {@code message_delta} (stop_reason, usage) and {@code message_stop}. An upstream {@code {"error":...}} chunk becomes an
 * {@code error} event and ends the stream.
 *
 * <h2>Anthropic events → OpenAI chunks</h2>
 * {@code message_start} emits the first chunk ({@code delta:{role:"assistant",content:""}}); text deltas become
 * {@code delta.content}; a {@code tool_use} block becomes a {@code tool_calls} entry (its own {@code index}, with id,
 * name and {@code arguments:""}) followed by {@code arguments} fragments; {@code message_delta} gives the stop reason
 * and usage; {@code message_stop} (or {@link #finish()}) emits the {@code finish_reason} chunk, the usage chunk
 * ({@code choices:[]}, when usage is included) and {@code data: [DONE]}. {@code ping} and thinking deltas are dropped;
 * an {@code error} event becomes an OpenAI {@code {"error":{...}}} chunk and ends the stream.
 *
 * <h2>Identity</h2>
 * When the formats match, events pass through unchanged (except, with {@code includeUsage=false}, the OpenAI
 * usage-only chunk the gateway asked for on the client's behalf), and usage is still extracted.
 *
 * <p>Not thread-safe: one translator per stream.
 */
public final class StreamTranslator implements StreamConverter {

    private enum Mode { IDENTITY_OPENAI, IDENTITY_ANTHROPIC, OPENAI_TO_ANTHROPIC, ANTHROPIC_TO_OPENAI }

    private enum Block { NONE, TEXT, TOOL }

    private final Mode mode;
    private final String model;
    private String id;
    private final boolean includeUsage;
    private final long created = System.currentTimeMillis() / 1000;

    private long inputTokens;
    private long outputTokens;
    private long cachedTokens;
    private boolean cacheSplit; // Anthropic: input_tokens excludes the cache counts, kept apart until usage()
    private long cacheCreation;
    private boolean sawFirstContent;
    private boolean started;
    private boolean finished;
    private String stopReason;
    private String upstreamModel;

    // OpenAI → Anthropic
    private Block open = Block.NONE;
    private int nextBlockIndex;
    private int openToolIndex = -1;
    private String openToolId;

    // Anthropic → OpenAI
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
    private int nextToolIndex;

    private StreamTranslator(Mode mode, String model, String id, boolean includeUsage) {
        this.mode = mode;
        this.model = model;
        this.id = id;
        this.includeUsage = includeUsage;
    }

    /**
     * A translator from the upstream's stream format to the client's. {@code model} names the model in translated
     * events (null: the upstream's); {@code id} is the response id the client sees (null: derived from the
     * upstream's). Translated OpenAI streams end with a usage chunk, as if the client had asked for
     * {@code stream_options.include_usage} (see {@link #of(ApiFormat, ApiFormat, String, String, boolean)}).
     */
    public static StreamTranslator of(ApiFormat upstream, ApiFormat client, String model, String id) {
        return of(upstream, client, model, id, true);
    }

    /**
     * As {@link #of(ApiFormat, ApiFormat, String, String)}; {@code includeUsage} says whether an OpenAI client asked
     * for {@code stream_options.include_usage}: when false, the usage-only chunk ({@code choices:[]}) is not sent to
     * it — dropped in identity mode (the gateway may have injected the option to meter the call), not generated when
     * translating. Usage is captured for {@link #usage()} either way. Ignored for Anthropic clients.
     */
    public static StreamTranslator of(ApiFormat upstream, ApiFormat client, String model, String id, boolean includeUsage) {
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(client, "client");
        Mode mode;
        if (upstream == client) {
            mode = upstream == ApiFormat.OPENAI_CHAT ? Mode.IDENTITY_OPENAI : Mode.IDENTITY_ANTHROPIC;
        } else {
            mode = upstream == ApiFormat.OPENAI_CHAT ? Mode.OPENAI_TO_ANTHROPIC : Mode.ANTHROPIC_TO_OPENAI;
        }
        return new StreamTranslator(mode, model, id, includeUsage);
    }

    /** The client events for one upstream event (often one, sometimes none or several). */
    @Override
    public List<SseEvent> translate(SseEvent upstreamEvent) {
        Objects.requireNonNull(upstreamEvent, "upstreamEvent");
        return switch (mode) {
            case IDENTITY_OPENAI -> identityOpenAi(upstreamEvent);
            case IDENTITY_ANTHROPIC -> identityAnthropic(upstreamEvent);
            case OPENAI_TO_ANTHROPIC -> openAiToAnthropic(upstreamEvent);
            case ANTHROPIC_TO_OPENAI -> anthropicToOpenAi(upstreamEvent);
        };
    }

    /**
     * The upstream stream ended (normally or cut off): the events that close the client's stream cleanly if the
     * upstream did not (Anthropic {@code message_delta} + {@code message_stop}; OpenAI final chunk, usage chunk and
     * {@code [DONE]}). Nothing for an identity translator or when the stream already ended. Call at most once.
     */
    @Override
    public List<SseEvent> finish() {
        if (finished) {
            return List.of();
        }
        return switch (mode) {
            case IDENTITY_OPENAI, IDENTITY_ANTHROPIC -> {
                finished = true;
                yield List.of();
            }
            case OPENAI_TO_ANTHROPIC -> closeAnthropic();
            case ANTHROPIC_TO_OPENAI -> closeOpenAi();
        };
    }

    /** The usage reported in the stream so far ({@link TokenUsage#NONE} if none yet). */
    @Override
    public TokenUsage usage() {
        if (cacheSplit) {
            return new TokenUsage(inputTokens + cachedTokens + cacheCreation, outputTokens, cachedTokens);
        }
        return new TokenUsage(inputTokens, outputTokens, cachedTokens);
    }

    /** True once the upstream sent model output (text, refusal or a tool call): the time-to-first-token mark. */
    @Override
    public boolean sawFirstContent() {
        return sawFirstContent;
    }

    /** True once the client's stream is complete (end or error events emitted); later events are ignored. */
    public boolean finished() {
        return finished;
    }

    // ------------------------------------------------------------------------------------------------ identity

    private List<SseEvent> identityOpenAi(SseEvent event) {
        if (event.isDone()) {
            finished = true;
            return List.of(event);
        }
        String data = event.data();
        if (sawFirstContent && !data.contains("\"usage\"")) {
            return List.of(event);
        }
        ObjectNode chunk = Json.parseObject(data);
        if (chunk == null) {
            return List.of(event);
        }
        readOpenAiUsage(chunk);
        JsonNode choices = chunk.get("choices");
        if (!sawFirstContent && Json.isArray(choices) && !choices.isEmpty() && hasOpenAiContent(choices.get(0).get("delta"))) {
            sawFirstContent = true;
        }
        if (!includeUsage && isObject(chunk.get("usage")) && Json.isArray(choices) && choices.isEmpty()) {
            return List.of();
        }
        return List.of(event);
    }

    private List<SseEvent> identityAnthropic(SseEvent event) {
        String name = event.event();
        if (name == null || name.equals("message_start") || name.equals("message_delta")) {
            ObjectNode json = Json.parseObject(event.data());
            if (json != null) {
                readAnthropic(json);
            }
        } else if (name.startsWith("content_block_")) {
            sawFirstContent = true;
        } else if (name.equals("message_stop") || name.equals("error")) {
            finished = true;
        }
        return List.of(event);
    }

    /** Reads usage and content from an Anthropic event; returns its type. */
    private String readAnthropic(ObjectNode json) {
        String type = Objects.toString(str(json, "type"), "");
        switch (type) {
            case "message_start" -> {
                JsonNode message = json.get("message");
                if (id == null && mode == Mode.ANTHROPIC_TO_OPENAI) {
                    id = Translation.openAiId(str(message, "id"));
                }
                upstreamModel = str(message, "model");
                mergeAnthropicUsage(message == null ? null : message.get("usage"));
            }
            case "message_delta" -> {
                String reason = str(json.get("delta"), "stop_reason");
                if (reason != null) {
                    stopReason = reason;
                }
                mergeAnthropicUsage(json.get("usage"));
            }
            case "content_block_start", "content_block_delta" -> sawFirstContent = true;
            case "message_stop", "error" -> {
                if (mode == Mode.IDENTITY_ANTHROPIC) {
                    finished = true;
                }
            }
            default -> {
            }
        }
        return type;
    }

    private void mergeAnthropicUsage(JsonNode u) {
        if (!isObject(u)) {
            return;
        }
        cacheSplit = true;
        if (u.get("input_tokens") != null && u.get("input_tokens").isNumber()) {
            inputTokens = u.get("input_tokens").asLong();
        }
        if (u.get("output_tokens") != null && u.get("output_tokens").isNumber()) {
            outputTokens = u.get("output_tokens").asLong();
        }
        if (u.get("cache_read_input_tokens") != null && u.get("cache_read_input_tokens").isNumber()) {
            cachedTokens = u.get("cache_read_input_tokens").asLong();
        }
        if (u.get("cache_creation_input_tokens") != null && u.get("cache_creation_input_tokens").isNumber()) {
            cacheCreation = u.get("cache_creation_input_tokens").asLong();
        }
    }

    private void readOpenAiUsage(ObjectNode chunk) {
        JsonNode u = chunk.get("usage");
        if (isObject(u)) {
            TokenUsage usage = Translation.usageObject(u, ApiFormat.OPENAI_CHAT);
            inputTokens = usage.inputTokens();
            outputTokens = usage.outputTokens();
            cachedTokens = usage.cachedInputTokens();
        }
    }

    private static boolean hasOpenAiContent(JsonNode delta) {
        if (!isObject(delta)) {
            return false;
        }
        String content = str(delta, "content");
        String refusal = str(delta, "refusal");
        return (content != null && !content.isEmpty()) || (refusal != null && !refusal.isEmpty())
                || (Json.isArray(delta.get("tool_calls")) && !delta.get("tool_calls").isEmpty());
    }

    // ------------------------------------------------------------------------------------- OpenAI → Anthropic

    private List<SseEvent> openAiToAnthropic(SseEvent event) {
        if (finished) {
            return List.of();
        }
        if (event.isDone()) {
            return closeAnthropic();
        }
        ObjectNode chunk = Json.parseObject(event.data());
        if (chunk == null) {
            return List.of();
        }
        List<SseEvent> out = new ArrayList<>(2);
        if (isObject(chunk.get("error"))) {
            JsonNode e = chunk.get("error");
            finished = true;
            out.add(anthropicEvent(Translation.anthropicError("api_error", Objects.toString(str(e, "message"), "upstream error"))));
            return out;
        }
        if (upstreamModel == null) {
            upstreamModel = str(chunk, "model");
        }
        if (id == null) {
            id = Translation.anthropicId(str(chunk, "id"));
        }
        startAnthropic(out);
        readOpenAiUsage(chunk);
        JsonNode choices = chunk.get("choices");
        if (!Json.isArray(choices) || choices.isEmpty()) {
            return out;
        }
        JsonNode choice = choices.get(0);
        JsonNode delta = choice.get("delta");
        if (isObject(delta)) {
            String text = str(delta, "content");
            if (text == null || text.isEmpty()) {
                text = str(delta, "refusal");
            }
            if (text != null && !text.isEmpty()) {
                sawFirstContent = true;
                if (open != Block.TEXT) {
                    closeBlock(out);
                    ObjectNode start = object().put("type", "content_block_start").put("index", nextBlockIndex);
                    start.putObject("content_block").put("type", "text").put("text", "");
                    out.add(anthropicEvent(start));
                    open = Block.TEXT;
                }
                ObjectNode d = object().put("type", "content_block_delta").put("index", nextBlockIndex);
                d.putObject("delta").put("type", "text_delta").put("text", text);
                out.add(anthropicEvent(d));
            }
            for (JsonNode call : Translation.elements(delta.get("tool_calls"))) {
                sawFirstContent = true;
                int index = call.get("index") != null && call.get("index").isNumber() ? call.get("index").asInt() : -1;
                String callId = str(call, "id");
                JsonNode f = call.get("function");
                boolean newCall = open != Block.TOOL || (index >= 0 && index != openToolIndex)
                        || (callId != null && !callId.equals(openToolId));
                if (newCall) {
                    closeBlock(out);
                    openToolIndex = index;
                    openToolId = callId != null ? callId : "toolu_" + UUID.randomUUID().toString().replace("-", "");
                    ObjectNode start = object().put("type", "content_block_start").put("index", nextBlockIndex);
                    ObjectNode block = start.putObject("content_block").put("type", "tool_use");
                    block.put("id", openToolId).put("name", Objects.toString(str(f, "name"), ""));
                    block.putObject("input");
                    out.add(anthropicEvent(start));
                    open = Block.TOOL;
                }
                String arguments = str(f, "arguments");
                if (arguments != null && !arguments.isEmpty()) {
                    ObjectNode d = object().put("type", "content_block_delta").put("index", nextBlockIndex);
                    d.putObject("delta").put("type", "input_json_delta").put("partial_json", arguments);
                    out.add(anthropicEvent(d));
                }
            }
        }
        String finish = str(choice, "finish_reason");
        if (finish != null) {
            stopReason = Translation.stopReason(finish);
            closeBlock(out);
        }
        return out;
    }

    private void startAnthropic(List<SseEvent> out) {
        if (started) {
            return;
        }
        started = true;
        if (id == null) {
            id = Translation.anthropicId(null);
        }
        ObjectNode start = object().put("type", "message_start");
        ObjectNode message = start.putObject("message");
        message.put("id", id).put("type", "message").put("role", "assistant");
        message.putArray("content");
        message.put("model", model != null ? model : Objects.toString(upstreamModel, ""));
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", inputTokens).put("output_tokens", 0);
        out.add(anthropicEvent(start));
    }

    private void closeBlock(List<SseEvent> out) {
        if (open == Block.NONE) {
            return;
        }
        out.add(anthropicEvent(object().put("type", "content_block_stop").put("index", nextBlockIndex)));
        nextBlockIndex++;
        open = Block.NONE;
        openToolIndex = -1;
        openToolId = null;
    }

    private List<SseEvent> closeAnthropic() {
        List<SseEvent> out = new ArrayList<>(4);
        startAnthropic(out);
        closeBlock(out);
        ObjectNode delta = object().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", stopReason != null ? stopReason : "end_turn").putNull("stop_sequence");
        TokenUsage usage = usage();
        ObjectNode u = delta.putObject("usage");
        u.put("output_tokens", usage.outputTokens());
        if (usage.reported()) {
            u.put("input_tokens", Math.max(0, usage.inputTokens() - usage.cachedInputTokens()));
            u.put("cache_read_input_tokens", usage.cachedInputTokens());
        }
        out.add(anthropicEvent(delta));
        out.add(anthropicEvent(object().put("type", "message_stop")));
        finished = true;
        return out;
    }

    private static SseEvent anthropicEvent(ObjectNode json) {
        return new SseEvent(str(json, "type"), Json.write(json));
    }

    // ------------------------------------------------------------------------------------- Anthropic → OpenAI

    private List<SseEvent> anthropicToOpenAi(SseEvent event) {
        if (finished) {
            return List.of();
        }
        ObjectNode json = Json.parseObject(event.data());
        if (json == null) {
            return List.of();
        }
        String type = readAnthropic(json);
        List<SseEvent> out = new ArrayList<>(2);
        switch (type) {
            case "message_start" -> startOpenAi(out);
            case "content_block_start" -> {
                startOpenAi(out);
                JsonNode block = json.get("content_block");
                String blockType = str(block, "type");
                if ("text".equals(blockType)) {
                    String text = str(block, "text");
                    if (text != null && !text.isEmpty()) {
                        out.add(openAiChunk(object().put("content", text), null));
                    }
                } else if ("tool_use".equals(blockType)) {
                    int toolIndex = nextToolIndex++;
                    toolIndexByBlock.put(json.path("index").asInt(0), toolIndex);
                    ObjectNode delta = object();
                    ObjectNode call = delta.putArray("tool_calls").addObject();
                    call.put("index", toolIndex).put("id", str(block, "id")).put("type", "function");
                    call.putObject("function").put("name", str(block, "name")).put("arguments", "");
                    out.add(openAiChunk(delta, null));
                    JsonNode input = block.get("input");
                    if (isObject(input) && !input.isEmpty()) { // a complete input in the start block (no deltas follow)
                        out.add(openAiChunk(argumentsDelta(toolIndex, Json.write(input)), null));
                    }
                }
            }
            case "content_block_delta" -> {
                startOpenAi(out);
                JsonNode delta = json.get("delta");
                String deltaType = str(delta, "type");
                if ("text_delta".equals(deltaType)) {
                    String text = str(delta, "text");
                    if (text != null && !text.isEmpty()) {
                        out.add(openAiChunk(object().put("content", text), null));
                    }
                } else if ("input_json_delta".equals(deltaType)) {
                    Integer toolIndex = toolIndexByBlock.get(json.path("index").asInt(0));
                    String partial = str(delta, "partial_json");
                    if (toolIndex != null && partial != null && !partial.isEmpty()) {
                        out.add(openAiChunk(argumentsDelta(toolIndex, partial), null));
                    }
                }
                // thinking_delta, signature_delta, citations_delta: not part of the OpenAI chat format
            }
            case "message_stop" -> out.addAll(closeOpenAi());
            case "error" -> {
                JsonNode e = json.get("error");
                finished = true;
                out.add(SseEvent.data(Json.write(Translation.openAiError(Objects.toString(str(e, "type"), "api_error"), null,
                        Objects.toString(str(e, "message"), "upstream error")))));
            }
            default -> {
                // ping, message_delta (state only), content_block_stop
            }
        }
        return out;
    }

    private static ObjectNode argumentsDelta(int toolIndex, String arguments) {
        ObjectNode delta = object();
        delta.putArray("tool_calls").addObject().put("index", toolIndex).putObject("function").put("arguments", arguments);
        return delta;
    }

    private void startOpenAi(List<SseEvent> out) {
        if (started) {
            return;
        }
        started = true;
        if (id == null) {
            id = Translation.openAiId(null);
        }
        out.add(openAiChunk(object().put("role", "assistant").put("content", ""), null));
    }

    private List<SseEvent> closeOpenAi() {
        List<SseEvent> out = new ArrayList<>(4);
        startOpenAi(out);
        String finish = Translation.finishReason(stopReason);
        out.add(openAiChunk(object(), finish != null ? finish : "stop"));
        if (includeUsage) {
            ObjectNode chunk = chunkHeader();
            chunk.putArray("choices");
            chunk.set("usage", Translation.openAiUsage(usage()));
            out.add(SseEvent.data(Json.write(chunk)));
        }
        out.add(SseEvent.DONE);
        finished = true;
        return out;
    }

    private ObjectNode chunkHeader() {
        ObjectNode chunk = object();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model != null ? model : Objects.toString(upstreamModel, ""));
        return chunk;
    }

    private SseEvent openAiChunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = chunkHeader();
        ArrayNode choices = chunk.putArray("choices");
        ObjectNode choice = choices.addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        if (includeUsage) {
            chunk.putNull("usage");
        }
        return SseEvent.data(Json.write(chunk));
    }
}
