package io.gatewaystack.proxy.llm;

import static io.gatewaystack.proxy.llm.Json.array;
import static io.gatewaystack.proxy.llm.Json.isArray;
import static io.gatewaystack.proxy.llm.Json.isObject;
import static io.gatewaystack.proxy.llm.Json.lng;
import static io.gatewaystack.proxy.llm.Json.object;
import static io.gatewaystack.proxy.llm.Json.present;
import static io.gatewaystack.proxy.llm.Json.str;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAI Responses API ({@code POST /v1/responses}) for providers that do not speak it: a Responses request
 * becomes a Chat Completions request ({@link #toChat}), which {@link Translation} can carry on to Anthropic; the
 * chat answer becomes a Responses object ({@link #fromChat}; streams: {@link ResponsesStreamTranslator}).
 * Providers that speak the Responses API natively get the request as it is and need only {@link #usage}.
 *
 * <h2>Requests</h2>
 * <table>
 *   <caption>Responses → Chat Completions</caption>
 *   <tr><th>Responses</th><th>Chat Completions</th></tr>
 *   <tr><td>{@code instructions}</td><td>a first {@code system} message</td></tr>
 *   <tr><td>{@code input}: a string</td><td>one {@code user} message</td></tr>
 *   <tr><td>{@code input[]} messages ({@code type:"message"} or just {@code role}+{@code content}) of role
 *       {@code user|assistant|system|developer}; parts {@code input_text}, {@code output_text}, {@code refusal},
 *       {@code input_image} (by URL)</td><td>messages of that role; {@code text} and {@code image_url} parts</td></tr>
 *   <tr><td>{@code function_call} items (consecutive ones together)</td><td>one {@code assistant} message with
 *       {@code tool_calls}</td></tr>
 *   <tr><td>{@code function_call_output}</td><td>a {@code tool} message</td></tr>
 *   <tr><td>{@code reasoning} items</td><td>dropped (provider-specific, never needed to continue)</td></tr>
 *   <tr><td>{@code tools[]} of type {@code function}, {@code tool_choice}, {@code parallel_tool_calls}</td>
 *       <td>{@code tools[].function}, {@code tool_choice}, {@code parallel_tool_calls}</td></tr>
 *   <tr><td>{@code max_output_tokens}, {@code temperature}, {@code top_p}, {@code stream}, {@code user},
 *       {@code text.format}, {@code reasoning.effort}</td><td>{@code max_completion_tokens}, {@code temperature},
 *       {@code top_p}, {@code stream}, {@code user}, {@code response_format}, {@code reasoning_effort}</td></tr>
 * </table>
 * What needs server-side state or hosted tools has no translation and is refused with
 * {@link UntranslatableRequestException} (the gateway answers 400): {@code previous_response_id},
 * {@code conversation}, {@code background}, {@code prompt} templates, {@code item_reference} items, hosted tools
 * (web search, file search, code interpreter, MCP, ...) and their call items, {@code input_file} parts and images
 * given by file id. Other fields ({@code store}, {@code include}, {@code truncation}, {@code metadata},
 * {@code service_tier}...) are dropped: the answer says {@code store:false}, since nothing was stored.
 */
public final class ResponsesTranslation {

    /** Fields that cannot be honoured without a provider that keeps state or runs tools itself. */
    private static final List<String> STATEFUL = List.of("previous_response_id", "conversation", "prompt");
    private static final Set<String> ROLES = Set.of("user", "assistant", "system", "developer");

    public ResponsesTranslation() {
    }

    // ------------------------------------------------------------------------------------------------ requests

    /** A Responses request as a Chat Completions request; never mutates its input. */
    public ObjectNode toChat(ObjectNode in) {
        Objects.requireNonNull(in, "in");
        for (String field : STATEFUL) {
            if (present(in.get(field))) {
                throw new UntranslatableRequestException(field);
            }
        }
        JsonNode background = in.get("background");
        if (background != null && background.isBoolean() && background.asBoolean()) {
            throw new UntranslatableRequestException("background");
        }
        ObjectNode out = object();
        if (present(in.get("model"))) {
            out.set("model", in.get("model").deepCopy());
        }
        ArrayNode messages = out.putArray("messages");
        String instructions = str(in, "instructions");
        if (instructions != null && !instructions.isEmpty()) {
            messages.addObject().put("role", "system").put("content", instructions);
        }
        JsonNode input = in.get("input");
        if (input != null && input.isString()) {
            messages.addObject().put("role", "user").put("content", input.stringValue());
        } else if (isArray(input)) {
            inputItems(input, messages);
        } else if (present(input)) {
            throw new IllegalArgumentException("input must be a string or an array of items");
        }
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("input is required");
        }
        tools(in, out);
        JsonNode max = in.get("max_output_tokens");
        if (max != null && max.isNumber()) {
            out.put("max_completion_tokens", max.asLong());
        }
        copyNumber(in, "temperature", out);
        copyNumber(in, "top_p", out);
        JsonNode stream = in.get("stream");
        if (stream != null && stream.isBoolean()) {
            out.put("stream", stream.asBoolean());
        }
        if (str(in, "user") != null) {
            out.put("user", str(in, "user"));
        }
        JsonNode format = in.path("text").get("format");
        if (isObject(format)) {
            String type = Objects.toString(str(format, "type"), "text");
            if (type.equals("json_object")) {
                out.putObject("response_format").put("type", "json_object");
            } else if (type.equals("json_schema")) {
                ObjectNode schema = out.putObject("response_format").put("type", "json_schema").putObject("json_schema");
                schema.put("name", Objects.toString(str(format, "name"), "response"));
                if (str(format, "description") != null) {
                    schema.put("description", str(format, "description"));
                }
                if (present(format.get("schema"))) {
                    schema.set("schema", format.get("schema").deepCopy());
                }
                if (format.get("strict") != null && format.get("strict").isBoolean()) {
                    schema.put("strict", format.get("strict").asBoolean());
                }
            }
        }
        String effort = str(in.get("reasoning"), "effort");
        if (effort != null) {
            out.put("reasoning_effort", effort);
        }
        return out;
    }

    private static void inputItems(JsonNode input, ArrayNode messages) {
        ObjectNode pendingCalls = null; // the assistant message consecutive function_call items go into
        for (JsonNode item : input) {
            if (!isObject(item)) {
                throw new IllegalArgumentException("input items must be objects");
            }
            String type = str(item, "type");
            if (type == null && str(item, "role") != null) {
                type = "message";
            }
            if (type == null) {
                throw new IllegalArgumentException("an input item needs a type");
            }
            if (!type.equals("function_call")) {
                pendingCalls = null;
            }
            switch (type) {
                case "message" -> messages.add(message(item));
                case "function_call" -> {
                    if (pendingCalls == null) {
                        pendingCalls = messages.addObject().put("role", "assistant");
                        pendingCalls.putNull("content");
                    }
                    ArrayNode calls = pendingCalls.has("tool_calls") ? (ArrayNode) pendingCalls.get("tool_calls")
                            : pendingCalls.putArray("tool_calls");
                    ObjectNode call = calls.addObject().put("id", Objects.toString(str(item, "call_id"), str(item, "id")))
                            .put("type", "function");
                    call.putObject("function").put("name", Objects.toString(str(item, "name"), ""))
                            .put("arguments", Objects.toString(str(item, "arguments"), "{}"));
                }
                case "function_call_output" -> {
                    JsonNode output = item.get("output");
                    messages.addObject().put("role", "tool").put("tool_call_id", str(item, "call_id"))
                            .put("content", output != null && output.isString() ? output.stringValue() : Translation.text(output, "\n"));
                }
                case "reasoning" -> {
                    // a provider's own reasoning trace: nothing another provider can use
                }
                default -> throw new UntranslatableRequestException("input items of type '" + type + "'");
            }
        }
    }

    private static ObjectNode message(JsonNode item) {
        String role = str(item, "role");
        if (role == null || !ROLES.contains(role)) {
            throw new IllegalArgumentException("a message's role must be user, assistant, system or developer");
        }
        ObjectNode out = object().put("role", role);
        JsonNode content = item.get("content");
        if (content == null || content.isString()) {
            out.put("content", content == null ? "" : content.stringValue());
            return out;
        }
        if (!isArray(content)) {
            throw new IllegalArgumentException("a message's content must be a string or an array of parts");
        }
        if (!role.equals("user")) { // assistant, system and developer content is text in chat completions
            out.put("content", Translation.text(content, ""));
            return out;
        }
        ArrayNode parts = out.putArray("content");
        for (JsonNode part : content) {
            String type = Objects.toString(str(part, "type"), "");
            switch (type) {
                case "input_text", "output_text", "text" -> parts.addObject().put("type", "text")
                        .put("text", Objects.toString(str(part, "text"), ""));
                case "input_image" -> {
                    String url = str(part, "image_url");
                    if (url == null) {
                        throw new UntranslatableRequestException("input_image parts given by file_id");
                    }
                    ObjectNode image = parts.addObject().put("type", "image_url").putObject("image_url").put("url", url);
                    if (str(part, "detail") != null) {
                        image.put("detail", str(part, "detail"));
                    }
                }
                default -> throw new UntranslatableRequestException("content parts of type '" + type + "'");
            }
        }
        return out;
    }

    private static void tools(JsonNode in, ObjectNode out) {
        ArrayNode tools = array();
        for (JsonNode t : Translation.elements(in.get("tools"))) {
            String type = str(t, "type");
            if (!"function".equals(type)) {
                throw new UntranslatableRequestException("tools of type '" + type + "' (only function tools translate)");
            }
            ObjectNode f = tools.addObject().put("type", "function").putObject("function");
            f.put("name", Objects.toString(str(t, "name"), ""));
            if (str(t, "description") != null) {
                f.put("description", str(t, "description"));
            }
            if (isObject(t.get("parameters"))) {
                f.set("parameters", t.get("parameters").deepCopy());
            }
            if (t.get("strict") != null && t.get("strict").isBoolean()) {
                f.put("strict", t.get("strict").asBoolean());
            }
        }
        if (tools.isEmpty()) {
            return;
        }
        out.set("tools", tools);
        JsonNode choice = in.get("tool_choice");
        if (choice != null && choice.isString()) {
            out.put("tool_choice", choice.stringValue());
        } else if (isObject(choice)) {
            if (!"function".equals(str(choice, "type")) || str(choice, "name") == null) {
                throw new UntranslatableRequestException("tool_choice of type '" + str(choice, "type") + "'");
            }
            out.putObject("tool_choice").put("type", "function").putObject("function").put("name", str(choice, "name"));
        }
        JsonNode parallel = in.get("parallel_tool_calls");
        if (parallel != null && parallel.isBoolean()) {
            out.put("parallel_tool_calls", parallel.asBoolean());
        }
    }

    // ----------------------------------------------------------------------------------------------- responses

    /**
     * A Chat Completions answer as a Responses object. {@code request} is the client's Responses request (its
     * instructions, tools and settings are echoed as the API does); {@code model} names the model (null: the chat
     * answer's).
     */
    public ObjectNode fromChat(ObjectNode chat, ObjectNode request, String model) {
        Objects.requireNonNull(chat, "chat");
        if (isObject(chat.get("error"))) {
            JsonNode e = chat.get("error");
            return Translation.openAiError(Objects.toString(str(e, "type"), "api_error"), str(e, "code"),
                    Objects.toString(str(e, "message"), ""));
        }
        String base = idBase(str(chat, "id"));
        JsonNode choice = Translation.elements(chat.get("choices")).isEmpty() ? null : chat.get("choices").get(0);
        JsonNode message = choice == null ? null : choice.get("message");
        ArrayNode output = array();
        String text = message == null ? null : str(message, "content");
        if (text == null && message != null) {
            text = str(message, "refusal");
        }
        if (text != null && !text.isEmpty()) {
            output.add(messageItem("msg_" + base, text, "completed"));
        }
        int n = 0;
        for (JsonNode call : Translation.elements(message == null ? null : message.get("tool_calls"))) {
            JsonNode f = call.get("function");
            output.add(functionCallItem("fc_" + base + "_" + n++, str(call, "id"), str(f, "name"),
                    Objects.toString(str(f, "arguments"), ""), "completed"));
        }
        TokenUsage usage = Translation.usageOf(chat, ApiFormat.OPENAI_CHAT);
        long reasoning = lng(chat.path("usage").get("completion_tokens_details"), "reasoning_tokens");
        return response("resp_" + base, lng(chat, "created"), model != null ? model : str(chat, "model"), request,
                output, usage, reasoning, str(choice, "finish_reason"));
    }

    /** The usage of a native Responses object ({@link TokenUsage#NONE} when it has none). */
    public TokenUsage usage(JsonNode response) {
        JsonNode u = response == null ? null : response.get("usage");
        if (!isObject(u)) {
            return TokenUsage.NONE;
        }
        return new TokenUsage(lng(u, "input_tokens"), lng(u, "output_tokens"), lng(u.get("input_tokens_details"), "cached_tokens"));
    }

    /** A Responses {@code usage} object. */
    static ObjectNode usageObject(TokenUsage usage, long reasoningTokens) {
        ObjectNode u = object();
        u.put("input_tokens", usage.inputTokens());
        u.putObject("input_tokens_details").put("cached_tokens", usage.cachedInputTokens());
        u.put("output_tokens", usage.outputTokens());
        u.putObject("output_tokens_details").put("reasoning_tokens", reasoningTokens);
        u.put("total_tokens", usage.totalTokens());
        return u;
    }

    /**
     * A full Responses object as the API returns it (every field the SDKs require). {@code finishReason} (chat's)
     * decides the status: {@code length} and {@code content_filter} make it {@code incomplete}; null while it is
     * still {@code in_progress} (streams); {@code usage} null leaves usage out.
     */
    static ObjectNode response(String id, long createdAt, String model, ObjectNode request, ArrayNode output,
                               TokenUsage usage, long reasoningTokens, String finishReason) {
        JsonNode req = request == null ? object() : request;
        ObjectNode out = object();
        out.put("id", id);
        out.put("object", "response");
        out.put("created_at", createdAt > 0 ? createdAt : System.currentTimeMillis() / 1000);
        String status = finishReason == null ? "in_progress"
                : finishReason.equals("length") || finishReason.equals("content_filter") ? "incomplete" : "completed";
        out.put("status", status);
        out.putNull("error");
        if (status.equals("incomplete")) {
            out.putObject("incomplete_details").put("reason",
                    finishReason.equals("length") ? "max_output_tokens" : "content_filter");
        } else {
            out.putNull("incomplete_details");
        }
        copyOrNull(req, "instructions", out);
        copyOrNull(req, "max_output_tokens", out);
        out.put("model", Objects.toString(model, ""));
        out.set("output", output);
        JsonNode parallel = req.get("parallel_tool_calls");
        out.put("parallel_tool_calls", parallel == null || !parallel.isBoolean() || parallel.asBoolean());
        out.putNull("previous_response_id");
        ObjectNode reasoning = out.putObject("reasoning");
        copyOrNull(req.path("reasoning"), "effort", reasoning);
        reasoning.putNull("summary");
        out.put("store", false); // nothing was stored: a translated response cannot be fetched or continued later
        copyOrNull(req, "temperature", out);
        ObjectNode text = out.putObject("text");
        JsonNode format = req.path("text").get("format");
        text.set("format", isObject(format) ? format.deepCopy() : object().put("type", "text"));
        JsonNode choice = req.get("tool_choice");
        out.set("tool_choice", present(choice) ? choice.deepCopy() : Json.NODES.stringNode("auto"));
        out.set("tools", isArray(req.get("tools")) ? req.get("tools").deepCopy() : array());
        copyOrNull(req, "top_p", out);
        out.put("truncation", "disabled");
        if (usage != null && finishReason != null) {
            out.set("usage", usageObject(usage, reasoningTokens));
        } else {
            out.putNull("usage");
        }
        copyOrNull(req, "user", out);
        out.set("metadata", isObject(req.get("metadata")) ? req.get("metadata").deepCopy() : object());
        return out;
    }

    static ObjectNode messageItem(String id, String text, String status) {
        ObjectNode item = object().put("id", id).put("type", "message").put("status", status).put("role", "assistant");
        ArrayNode content = item.putArray("content");
        if (text != null) {
            content.add(outputText(text));
        }
        return item;
    }

    static ObjectNode outputText(String text) {
        ObjectNode part = object().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    static ObjectNode functionCallItem(String id, String callId, String name, String arguments, String status) {
        return object().put("id", id).put("type", "function_call").put("status", status)
                .put("call_id", Objects.toString(callId, id)).put("name", Objects.toString(name, ""))
                .put("arguments", arguments);
    }

    /** The id suffix shared by the response and its items: from the chat id, else random. */
    static String idBase(String chatId) {
        if (chatId == null || chatId.isEmpty()) {
            return UUID.randomUUID().toString().replace("-", "");
        }
        String base = chatId.startsWith("chatcmpl-") ? chatId.substring(9) : chatId.startsWith("msg_") ? chatId.substring(4) : chatId;
        return base.replaceAll("[^A-Za-z0-9_-]", "");
    }

    private static void copyOrNull(JsonNode from, String field, ObjectNode to) {
        JsonNode v = from == null ? null : from.get(field);
        if (present(v)) {
            to.set(field, v.deepCopy());
        } else {
            to.putNull(field);
        }
    }

    private static void copyNumber(JsonNode in, String field, ObjectNode out) {
        JsonNode n = in.get(field);
        if (n != null && n.isNumber()) {
            out.set(field, n.deepCopy());
        }
    }
}
