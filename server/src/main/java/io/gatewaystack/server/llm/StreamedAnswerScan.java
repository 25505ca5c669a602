package io.gatewaystack.server.llm;

import io.gatewaystack.core.RequestContext;
import io.gatewaystack.proxy.llm.ApiFormat;
import io.gatewaystack.proxy.llm.SseEvent;
import io.gatewaystack.server.http.JsonBodies;
import io.gatewaystack.transform.ResponseGuard;
import io.gatewaystack.transform.TransformLayer;
import io.gatewaystack.transform.response.StreamingRedactor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Response scanning of a streamed answer, on the events the client gets (after translation, before pseudonyms
 * are restored). The text deltas of each choice (OpenAI) or content block (Anthropic) form one text stream with its
 * own {@link StreamingRedactor}, so a finding split over many events is still seen whole. A delta carries what the
 * redactor lets out now (often less than it brought, sometimes empty); what is held back goes out with the
 * choice's {@code finish_reason} chunk, before the block's {@code content_block_stop}, or at {@code [DONE]}.
 *
 * <p>The argument fragments of each streamed tool call (OpenAI {@code delta.tool_calls[].function.arguments} per
 * choice and call index, Anthropic {@code input_json_delta} per content block) are one more text stream with the
 * same hold-back, scanned as JSON text (escape sequences blanked, as a whole answer's arguments are); what is held back goes out
 * with the finish chunk (as one more arguments fragment of that call), before {@code content_block_stop}, or at
 * {@code [DONE]}; the Responses API's {@code response.function_call_arguments.delta} per output item likewise (the
 * held-back tail goes out as one more delta before {@code response.function_call_arguments.done}, whose
 * {@code arguments}, like the items at the end, get the arguments the client was shown).
 * When a BLOCK type turns up, {@link #blocked()} is true and the caller ends the stream with
 * {@link #blockedEvent()}: the status (200) and headers are already sent, so the client learns it from an error
 * event of its API (OpenAI {@code data: {"error":…}}, Anthropic {@code event: error}) and the missing end of
 * stream. One instance per response; not thread-safe.
 */
final class StreamedAnswerScan {

    private final ResponseGuard guard;
    private final ApiFormat clientFormat;
    private final Map<Integer, StreamingRedactor> streams = new HashMap<>();
    /** OpenAI: the argument streams of tool calls, by {@link #toolKey} */
    private final Map<Integer, StreamingRedactor> toolStreams = new HashMap<>();
    /** Anthropic: the content blocks whose stream is a tool's input JSON ({@code input_json_delta}), not text */
    private final java.util.Set<Integer> jsonBlocks = new java.util.HashSet<>();
    /** the last OpenAI chunk, as the template for a chunk carrying held-back text at the end */
    private ObjectNode lastChunk;
    private boolean blocked;
    /** Responses API events instead of chat chunks; the text shown so far per output text part (the events at
     *  the end repeat the whole text, which must be the redacted one) */
    private final boolean responses;
    private final Map<Integer, StringBuilder> shown = new HashMap<>();
    /** Responses API: the argument streams of function calls and the arguments shown so far, by output index */
    private final Map<Integer, StreamingRedactor> argumentStreams = new HashMap<>();
    private final Map<Integer, StringBuilder> shownArguments = new HashMap<>();

    private StreamedAnswerScan(ResponseGuard guard, ApiFormat clientFormat, boolean responses) {
        this.guard = guard;
        this.clientFormat = clientFormat;
        this.responses = responses;
    }

    /**
     * The scan for a streamed Responses API answer ({@code response.output_text.delta} events; the {@code *.done}
     * and final events get the redacted text), or null when the route does not scan responses.
     */
    static StreamedAnswerScan ofResponses(RequestContext ctx) {
        return TransformLayer.responseGuard(ctx).map(g -> new StreamedAnswerScan(g, ApiFormat.OPENAI_CHAT, true)).orElse(null);
    }

    /** The scan for this request's streamed answer, or null when its route does not scan responses. */
    static StreamedAnswerScan of(RequestContext ctx, ApiFormat clientFormat) {
        return TransformLayer.responseGuard(ctx).map(g -> new StreamedAnswerScan(g, clientFormat, false)).orElse(null);
    }

    boolean blocked() {
        return blocked;
    }

    /** The events to send for one (translated) event; empty once blocked. */
    List<SseEvent> apply(SseEvent event) {
        if (blocked) return List.of();
        List<SseEvent> out = new ArrayList<>(2);
        if (event.isDone()) {
            flushAll(out);
            out.add(event);
        } else {
            JsonNode parsed = parse(event.data());
            if (!(parsed instanceof ObjectNode data)) {
                out.add(event);
            } else if (responses) {
                responsesEvent(event, data, out);
            } else if (clientFormat == ApiFormat.ANTHROPIC_MESSAGES) {
                anthropic(event, data, out);
            } else {
                openAi(event, data, out);
            }
        }
        guard.record();
        if (guard.blocked()) {
            blocked = true;
            return List.of();
        }
        return out;
    }

    /** Held-back text of streams that never saw their end event. */
    List<SseEvent> finish() {
        if (blocked) return List.of();
        List<SseEvent> out = new ArrayList<>();
        flushAll(out);
        guard.record();
        if (guard.blocked()) {
            blocked = true;
            return List.of();
        }
        return out;
    }

    /** The error event that ends a blocked stream, in the client's API. */
    SseEvent blockedEvent() {
        String message = guard.blockedError().description();
        ObjectNode error = JsonBodies.MAPPER.createObjectNode();
        if (responses) {
            error.put("type", "error").put("code", "content_blocked").put("message", message).putNull("param");
            return new SseEvent("error", error.toString());
        }
        if (clientFormat == ApiFormat.ANTHROPIC_MESSAGES) {
            error.put("type", "error");
            error.putObject("error").put("type", "content_blocked").put("message", message);
            return new SseEvent("error", error.toString());
        }
        error.putObject("error").put("message", message).put("type", "content_blocked").put("code", "content_blocked");
        return SseEvent.data(error.toString());
    }

    /** The closing SSE comment naming what the answer had redacted (headers were sent before it was known). */
    String redactedComment() {
        if (guard.findings().changedByType().isEmpty()) return null;
        StringBuilder sb = new StringBuilder(": ").append(TransformLayer.REDACTED_HEADER).append(' ');
        guard.findings().changedByType().forEach((t, n) -> sb.append(t).append('=').append(n).append(','));
        sb.setLength(sb.length() - 1);
        return sb.append("\n\n").toString();
    }

    private void openAi(SseEvent event, ObjectNode data, List<SseEvent> out) {
        JsonNode choices = data.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            out.add(event);
            return;
        }
        lastChunk = data;
        boolean changed = false;
        for (int i = 0; i < choices.size(); i++) {
            if (!(choices.get(i) instanceof ObjectNode choice)) continue;
            int index = choice.path("index").asInt(i);
            JsonNode delta = choice.get("delta");
            JsonNode content = delta == null ? null : delta.get("content");
            String text = null;
            if (content != null && content.isString()) {
                text = stream(index).push(content.stringValue());
            }
            if (delta != null && delta.get("tool_calls") instanceof ArrayNode calls) {
                changed |= toolCallDeltas(index, calls);
            }
            JsonNode finish = choice.get("finish_reason");
            if (finish != null && !finish.isNull() && streams.containsKey(index)) {
                String tail = streams.remove(index).finish();
                if (!tail.isEmpty()) text = (text == null ? "" : text) + tail;
            }
            if (finish != null && !finish.isNull()) {
                List<ObjectNode> tails = toolCallTails(index);
                if (!tails.isEmpty()) {
                    ObjectNode d = delta instanceof ObjectNode o ? o : choice.putObject("delta");
                    ArrayNode calls = d.get("tool_calls") instanceof ArrayNode a ? a : d.putArray("tool_calls");
                    calls.addAll(tails);
                    changed = true;
                }
            }
            if (text != null && (content == null || !text.equals(content.stringValue()))) {
                ObjectNode d = delta instanceof ObjectNode o ? o : choice.putObject("delta");
                d.put("content", text);
                changed = true;
            }
        }
        out.add(changed ? new SseEvent(event.event(), data.toString()) : event);
    }

    /** A tool call's stream key: its choice and its index among the choice's tool calls. */
    private static int toolKey(int choice, int call) {
        return choice * 1024 + call;
    }

    /** Pushes the argument fragments of one chunk's tool calls through their streams; whether one changed. */
    private boolean toolCallDeltas(int choice, ArrayNode calls) {
        boolean changed = false;
        for (int c = 0; c < calls.size(); c++) {
            if (!(calls.get(c) instanceof ObjectNode call) || !(call.get("function") instanceof ObjectNode fn)) continue;
            JsonNode args = fn.get("arguments");
            if (args == null || !args.isString()) continue;
            int key = toolKey(choice, call.path("index").asInt(c));
            String original = args.stringValue();
            String shown = toolStreams.computeIfAbsent(key, k -> guard.jsonStream()).push(original);
            if (!shown.equals(original)) {
                fn.put("arguments", shown);
                changed = true;
            }
        }
        return changed;
    }

    /** The held-back arguments of a choice's tool calls, as tool call deltas; their streams end. */
    private List<ObjectNode> toolCallTails(int choice) {
        List<ObjectNode> tails = new ArrayList<>();
        for (int key : new java.util.TreeSet<>(toolStreams.keySet())) {
            if (key / 1024 != choice) continue;
            String tail = toolStreams.remove(key).finish();
            if (tail.isEmpty()) continue;
            ObjectNode call = JsonBodies.MAPPER.createObjectNode().put("index", key % 1024);
            call.putObject("function").put("arguments", tail);
            tails.add(call);
        }
        return tails;
    }

    private void anthropic(SseEvent event, ObjectNode data, List<SseEvent> out) {
        String type = data.path("type").asString("");
        int index = data.path("index").asInt(0);
        switch (type) {
            case "content_block_delta" -> {
                JsonNode delta = data.get("delta");
                String deltaType = delta == null ? "" : delta.path("type").asString("");
                // text, or a tool's input JSON in fragments: each content block is one stream
                String field = "text_delta".equals(deltaType) ? "text" : "input_json_delta".equals(deltaType) ? "partial_json" : null;
                if (field != null && delta instanceof ObjectNode d && d.get(field) != null && d.get(field).isString()) {
                    boolean json = field.equals("partial_json");
                    if (json) jsonBlocks.add(index);
                    String original = d.get(field).stringValue();
                    String text = streams.computeIfAbsent(index, i -> json ? guard.jsonStream() : guard.stream()).push(original);
                    if (!text.equals(original)) {
                        d.put(field, text);
                        out.add(new SseEvent(event.event(), data.toString()));
                        return;
                    }
                }
                out.add(event);
            }
            case "content_block_stop" -> {
                StreamingRedactor s = streams.remove(index);
                if (s != null) addAnthropicDelta(index, s.finish(), jsonBlocks.remove(index), out);
                out.add(event);
            }
            case "message_delta", "message_stop" -> {
                flushAll(out);
                out.add(event);
            }
            default -> out.add(event);
        }
    }

    /** One text part's key: its output item and content part. */
    private static int key(JsonNode event) {
        return event.path("output_index").asInt(0) * 1024 + event.path("content_index").asInt(0);
    }

    private void responsesEvent(SseEvent event, ObjectNode data, List<SseEvent> out) {
        String type = data.path("type").asString("");
        switch (type) {
            case "response.output_text.delta" -> {
                int key = key(data);
                String original = data.path("delta").asString("");
                String text = stream(key).push(original);
                shown.computeIfAbsent(key, k -> new StringBuilder()).append(text);
                if (!text.equals(original)) {
                    data.put("delta", text);
                    out.add(new SseEvent(event.event(), data.toString()));
                } else {
                    out.add(event);
                }
            }
            case "response.output_text.done" -> {
                int key = key(data);
                flushResponses(key, data, out);
                data.put("text", shownText(key, data.path("text").asString("")));
                out.add(new SseEvent(event.event(), data.toString()));
            }
            case "response.content_part.done" -> {
                int key = key(data);
                if (data.get("part") instanceof ObjectNode part && part.has("text")) {
                    part.put("text", shownText(key, part.path("text").asString("")));
                }
                out.add(new SseEvent(event.event(), data.toString()));
            }
            case "response.function_call_arguments.delta" -> {
                int item = data.path("output_index").asInt(0);
                String original = data.path("delta").asString("");
                String args = argumentStreams.computeIfAbsent(item, k -> guard.jsonStream()).push(original);
                shownArguments.computeIfAbsent(item, k -> new StringBuilder()).append(args);
                if (!args.equals(original)) {
                    data.put("delta", args);
                    out.add(new SseEvent(event.event(), data.toString()));
                } else {
                    out.add(event);
                }
            }
            case "response.function_call_arguments.done" -> {
                int item = data.path("output_index").asInt(0);
                flushArguments(item, data, out);
                data.put("arguments", shownArguments(item, data.path("arguments").asString("")));
                out.add(new SseEvent(event.event(), data.toString()));
            }
            case "response.output_item.done" -> {
                replaceTexts(data.get("item"), data.path("output_index").asInt(0));
                out.add(new SseEvent(event.event(), data.toString()));
            }
            case "response.completed", "response.incomplete", "response.failed" -> {
                for (int key : Map.copyOf(streams).keySet()) {
                    flushResponses(key, null, out);
                }
                for (int item : Map.copyOf(argumentStreams).keySet()) {
                    flushArguments(item, null, out);
                }
                JsonNode output = data.path("response").get("output");
                if (output != null && output.isArray()) {
                    for (int i = 0; i < output.size(); i++) {
                        replaceTexts(output.get(i), i);
                    }
                }
                out.add(new SseEvent(event.event(), data.toString()));
            }
            default -> out.add(event);
        }
    }

    /** Held-back text of one part, as one more delta event before its end. */
    private void flushResponses(int key, ObjectNode like, List<SseEvent> out) {
        StreamingRedactor s = streams.remove(key);
        if (s == null) return;
        String tail = s.finish();
        if (tail.isEmpty()) return;
        shown.computeIfAbsent(key, k -> new StringBuilder()).append(tail);
        ObjectNode delta = JsonBodies.MAPPER.createObjectNode().put("type", "response.output_text.delta");
        if (like != null) {
            delta.set("item_id", like.get("item_id"));
            delta.set("sequence_number", like.get("sequence_number"));
        }
        delta.put("output_index", key / 1024).put("content_index", key % 1024).put("delta", tail);
        delta.putArray("logprobs");
        out.add(new SseEvent("response.output_text.delta", delta.toString()));
    }

    private String shownText(int key, String otherwise) {
        StringBuilder text = shown.get(key);
        return text == null ? otherwise : text.toString();
    }

    /** Held-back arguments of one function call, as one more arguments delta event before its end. */
    private void flushArguments(int item, ObjectNode like, List<SseEvent> out) {
        StreamingRedactor s = argumentStreams.remove(item);
        if (s == null) return;
        String tail = s.finish();
        if (tail.isEmpty()) return;
        shownArguments.computeIfAbsent(item, k -> new StringBuilder()).append(tail);
        ObjectNode delta = JsonBodies.MAPPER.createObjectNode().put("type", "response.function_call_arguments.delta");
        if (like != null) {
            delta.set("item_id", like.get("item_id"));
            delta.set("sequence_number", like.get("sequence_number"));
        }
        delta.put("output_index", item).put("delta", tail);
        out.add(new SseEvent("response.function_call_arguments.delta", delta.toString()));
    }

    private String shownArguments(int item, String otherwise) {
        StringBuilder args = shownArguments.get(item);
        return args == null ? otherwise : args.toString();
    }

    /** An output item's text parts (or a function call's arguments) get what the client was shown. */
    private void replaceTexts(JsonNode item, int outputIndex) {
        if (item instanceof ObjectNode call && "function_call".equals(call.path("type").asString(""))
                && call.get("arguments") != null && call.get("arguments").isString()) {
            call.put("arguments", shownArguments(outputIndex, call.get("arguments").stringValue()));
        }
        JsonNode content = item == null ? null : item.get("content");
        if (content == null || !content.isArray()) return;
        for (int c = 0; c < content.size(); c++) {
            if (content.get(c) instanceof ObjectNode part && part.has("text")) {
                part.put("text", shownText(outputIndex * 1024 + c, part.path("text").asString("")));
            }
        }
    }

    private void flushAll(List<SseEvent> out) {
        if (responses) {
            for (int key : Map.copyOf(streams).keySet()) {
                flushResponses(key, null, out);
            }
            for (int item : Map.copyOf(argumentStreams).keySet()) {
                flushArguments(item, null, out);
            }
            return;
        }
        for (Map.Entry<Integer, StreamingRedactor> e : Map.copyOf(streams).entrySet()) {
            String tail = e.getValue().finish();
            streams.remove(e.getKey());
            if (tail.isEmpty()) continue;
            if (clientFormat == ApiFormat.ANTHROPIC_MESSAGES) {
                addAnthropicDelta(e.getKey(), tail, jsonBlocks.remove(e.getKey()), out);
            } else {
                ObjectNode chunk = lastChunk == null ? JsonBodies.MAPPER.createObjectNode() : lastChunk.deepCopy();
                ArrayNode choices = chunk.putArray("choices");
                ObjectNode choice = choices.addObject();
                choice.put("index", e.getKey());
                choice.putObject("delta").put("content", tail);
                choice.putNull("finish_reason");
                chunk.remove("usage");
                out.add(SseEvent.data(chunk.toString()));
            }
        }
        for (int choiceIndex : new java.util.TreeSet<>(toolStreams.keySet().stream().map(k -> k / 1024).toList())) {
            List<ObjectNode> tails = toolCallTails(choiceIndex);
            if (tails.isEmpty()) continue;
            ObjectNode chunk = lastChunk == null ? JsonBodies.MAPPER.createObjectNode() : lastChunk.deepCopy();
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", choiceIndex);
            choice.putObject("delta").putArray("tool_calls").addAll(tails);
            choice.putNull("finish_reason");
            chunk.remove("usage");
            out.add(SseEvent.data(chunk.toString()));
        }
    }

    /** Held-back text of a content block as one more delta of its kind (text, or a tool's input JSON). */
    private static void addAnthropicDelta(int index, String text, boolean json, List<SseEvent> out) {
        if (text.isEmpty()) return;
        ObjectNode delta = JsonBodies.MAPPER.createObjectNode();
        delta.put("type", "content_block_delta").put("index", index);
        if (json) delta.putObject("delta").put("type", "input_json_delta").put("partial_json", text);
        else delta.putObject("delta").put("type", "text_delta").put("text", text);
        out.add(new SseEvent("content_block_delta", delta.toString()));
    }

    private static JsonNode parse(String data) {
        try {
            return JsonBodies.MAPPER.readTree(data);
        } catch (tools.jackson.core.JacksonException e) {
            return null;
        }
    }

    private StreamingRedactor stream(int index) {
        return streams.computeIfAbsent(index, i -> guard.stream());
    }
}
