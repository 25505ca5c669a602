package io.gatewaystack.proxy.llm;

import static io.gatewaystack.proxy.llm.Json.isArray;
import static io.gatewaystack.proxy.llm.Json.isObject;
import static io.gatewaystack.proxy.llm.Json.object;
import static io.gatewaystack.proxy.llm.Json.str;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A streamed Chat Completions answer (or an Anthropic one, through a {@link StreamTranslator} to chat first) as the
 * Responses API's typed events, each relayed as soon as its upstream chunk arrives:
 *
 * <pre>
 * response.created, response.in_progress
 * per text answer:   response.output_item.added(message), response.content_part.added,
 *                    response.output_text.delta ..., response.output_text.done, response.content_part.done,
 *                    response.output_item.done
 * per tool call:     response.output_item.added(function_call), response.function_call_arguments.delta ...,
 *                    response.function_call_arguments.done, response.output_item.done
 * response.completed (or response.incomplete when the answer was cut by max_output_tokens or a content filter)
 * </pre>
 *
 * Every event carries {@code sequence_number}. An upstream error becomes an {@code error} event and ends the stream.
 * The protocol's {@code *.done} and final events repeat the whole output, so the translator keeps the text and
 * arguments of the answer (not the upstream bytes) until the end: memory grows with the answer, as in any
 * Responses client.
 */
public final class ResponsesStreamTranslator implements StreamConverter {

    private final StreamTranslator chat; // upstream → OpenAI chat chunks (identity for OpenAI-format providers)
    private final ObjectNode request;
    private final String model;
    private String base;
    private long createdAt;
    private int sequence;
    private boolean started;
    private boolean finished;
    private String finishReason;
    private long reasoningTokens;

    private final ArrayNode output = Json.array(); // closed items, in order
    private ObjectNode openItem; // the item being streamed, or null
    private StringBuilder openText;
    private final Map<Integer, Integer> outputIndexByToolIndex = new HashMap<>();
    private int openToolIndex = -1;

    /**
     * @param upstream the provider's stream format
     * @param request  the client's Responses request (echoed in the response objects)
     * @param model    the model name the client sees
     */
    public ResponsesStreamTranslator(ApiFormat upstream, ObjectNode request, String model) {
        this.chat = StreamTranslator.of(upstream, ApiFormat.OPENAI_CHAT, model, null, true);
        this.request = request;
        this.model = model;
    }

    @Override
    public List<SseEvent> translate(SseEvent upstreamEvent) {
        List<SseEvent> out = new ArrayList<>(4);
        for (SseEvent chunk : chat.translate(upstreamEvent)) {
            onChunk(chunk, out);
        }
        return out;
    }

    @Override
    public List<SseEvent> finish() {
        List<SseEvent> out = new ArrayList<>(4);
        for (SseEvent chunk : chat.finish()) {
            onChunk(chunk, out);
        }
        if (!finished) {
            complete(out);
        }
        return out;
    }

    @Override
    public TokenUsage usage() {
        return chat.usage();
    }

    @Override
    public boolean sawFirstContent() {
        return chat.sawFirstContent();
    }

    private void onChunk(SseEvent event, List<SseEvent> out) {
        if (finished) {
            return;
        }
        if (event.isDone()) {
            complete(out);
            return;
        }
        ObjectNode chunk = Json.parseObject(event.data());
        if (chunk == null) {
            return;
        }
        if (isObject(chunk.get("error"))) {
            JsonNode e = chunk.get("error");
            ObjectNode error = object().put("type", "error");
            error.put("code", Objects.toString(str(e, "code"), Objects.toString(str(e, "type"), "upstream_error")));
            error.put("message", Objects.toString(str(e, "message"), "The model provider failed."));
            error.putNull("param");
            out.add(emit(error));
            finished = true;
            return;
        }
        start(chunk, out);
        JsonNode details = chunk.path("usage").get("completion_tokens_details");
        if (isObject(details)) {
            reasoningTokens = Json.lng(details, "reasoning_tokens");
        }
        JsonNode choices = chunk.get("choices");
        if (!isArray(choices) || choices.isEmpty()) {
            return; // e.g. the usage chunk: chat.usage() has it
        }
        JsonNode choice = choices.get(0);
        JsonNode delta = choice.get("delta");
        if (isObject(delta)) {
            String text = str(delta, "content");
            if (text == null || text.isEmpty()) {
                text = str(delta, "refusal");
            }
            if (text != null && !text.isEmpty()) {
                text(text, out);
            }
            for (JsonNode call : Translation.elements(delta.get("tool_calls"))) {
                toolCall(call, out);
            }
        }
        String reason = str(choice, "finish_reason");
        if (reason != null) {
            finishReason = reason;
            closeItem(out);
        }
    }

    private void start(ObjectNode chunk, List<SseEvent> out) {
        if (started) {
            return;
        }
        started = true;
        base = ResponsesTranslation.idBase(str(chunk, "id"));
        createdAt = Json.lng(chunk, "created");
        out.add(responseEvent("response.created", null));
        out.add(responseEvent("response.in_progress", null));
    }

    private void text(String text, List<SseEvent> out) {
        if (openItem == null || !"message".equals(str(openItem, "type"))) {
            closeItem(out);
            openItem = ResponsesTranslation.messageItem("msg_" + base + (output.isEmpty() ? "" : "_" + output.size()), null, "in_progress");
            openText = new StringBuilder();
            out.add(itemEvent("response.output_item.added", openItem));
            ObjectNode part = partEvent("response.content_part.added");
            part.set("part", ResponsesTranslation.outputText(""));
            out.add(emit(part));
        }
        openText.append(text);
        ObjectNode delta = partEvent("response.output_text.delta").put("delta", text);
        delta.putArray("logprobs");
        out.add(emit(delta));
    }

    private void toolCall(JsonNode call, List<SseEvent> out) {
        int index = call.get("index") != null && call.get("index").isNumber() ? call.get("index").asInt() : 0;
        if (index != openToolIndex || openItem == null) {
            if (outputIndexByToolIndex.containsKey(index)) {
                return; // fragments of a call already closed: chat streams never go back to one
            }
            closeItem(out);
            JsonNode f = call.get("function");
            String id = "fc_" + base + "_" + index;
            openItem = ResponsesTranslation.functionCallItem(id, str(call, "id"), str(f, "name"), "", "in_progress");
            openText = new StringBuilder();
            openToolIndex = index;
            outputIndexByToolIndex.put(index, output.size());
            out.add(itemEvent("response.output_item.added", openItem));
        }
        String fragment = str(call.get("function"), "arguments");
        if (fragment != null && !fragment.isEmpty()) {
            openText.append(fragment);
            ObjectNode delta = object().put("type", "response.function_call_arguments.delta")
                    .put("item_id", str(openItem, "id")).put("output_index", output.size()).put("delta", fragment);
            out.add(emit(delta));
        }
    }

    /** Ends the open item with its {@code *.done} events and moves it to the output. */
    private void closeItem(List<SseEvent> out) {
        if (openItem == null) {
            return;
        }
        String text = openText.toString();
        ObjectNode done;
        if ("message".equals(str(openItem, "type"))) {
            ObjectNode textDone = partEvent("response.output_text.done").put("text", text);
            textDone.putArray("logprobs");
            out.add(emit(textDone));
            ObjectNode partDone = partEvent("response.content_part.done");
            partDone.set("part", ResponsesTranslation.outputText(text));
            out.add(emit(partDone));
            done = ResponsesTranslation.messageItem(str(openItem, "id"), text, "completed");
        } else {
            out.add(emit(object().put("type", "response.function_call_arguments.done").put("item_id", str(openItem, "id"))
                    .put("output_index", output.size()).put("name", str(openItem, "name")).put("arguments", text)));
            done = ResponsesTranslation.functionCallItem(str(openItem, "id"), str(openItem, "call_id"),
                    str(openItem, "name"), text, "completed");
        }
        out.add(itemEvent("response.output_item.done", done));
        output.add(done);
        openItem = null;
        openText = null;
        openToolIndex = -1;
    }

    private void complete(List<SseEvent> out) {
        if (!started) {
            start(object(), out);
        }
        closeItem(out);
        String reason = finishReason == null ? "stop" : finishReason;
        String type = reason.equals("length") || reason.equals("content_filter") ? "response.incomplete" : "response.completed";
        out.add(responseEvent(type, reason));
        finished = true;
    }

    private SseEvent responseEvent(String type, String finishReason) {
        ObjectNode event = object().put("type", type);
        event.set("response", ResponsesTranslation.response("resp_" + base, createdAt, model, request,
                finishReason == null ? Json.array() : output.deepCopy(), chat.usage(), reasoningTokens, finishReason));
        return emit(event);
    }

    private SseEvent itemEvent(String type, ObjectNode item) {
        ObjectNode event = object().put("type", type).put("output_index", output.size());
        event.set("item", item.deepCopy());
        return emit(event);
    }

    /** An event about the open message's single text part. */
    private ObjectNode partEvent(String type) {
        return object().put("type", type).put("item_id", str(openItem, "id")).put("output_index", output.size())
                .put("content_index", 0);
    }

    private SseEvent emit(ObjectNode event) {
        event.put("sequence_number", sequence++);
        return new SseEvent(str(event, "type"), Json.write(event));
    }
}
