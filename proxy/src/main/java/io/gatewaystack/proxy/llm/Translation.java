package io.gatewaystack.proxy.llm;

import static io.gatewaystack.proxy.llm.Json.array;
import static io.gatewaystack.proxy.llm.Json.isArray;
import static io.gatewaystack.proxy.llm.Json.isObject;
import static io.gatewaystack.proxy.llm.Json.lng;
import static io.gatewaystack.proxy.llm.Json.object;
import static io.gatewaystack.proxy.llm.Json.present;
import static io.gatewaystack.proxy.llm.Json.str;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Translates non-streaming bodies between the OpenAI Chat Completions and the Anthropic Messages formats (streams:
 * {@link StreamTranslator}). Stateless and thread-safe; never mutates its input; identity (a deep copy) when the
 * two formats are the same.
 *
 * <h2>Requests</h2>
 * <table>
 *   <caption>OpenAI chat ⇄ Anthropic messages</caption>
 *   <tr><th>OpenAI</th><th>Anthropic</th></tr>
 *   <tr><td>{@code system} and {@code developer} messages (anywhere)</td><td>{@code system}: a string for one,
 *       an array of text blocks for several (one block per message, in order; back: one system message per block)</td></tr>
 *   <tr><td>{@code user} content: string / {@code text} parts / {@code image_url} parts</td><td>string / {@code text}
 *       blocks / {@code image} blocks ({@code data:} URLs ⇄ {@code base64} sources, http(s) URLs ⇄ {@code url} sources);
 *       other parts (audio, files, documents) are dropped</td></tr>
 *   <tr><td>{@code assistant} content + {@code tool_calls[]{id,function{name,arguments}}}</td><td>{@code text} block +
 *       {@code tool_use{id,name,input}} blocks (arguments JSON text ⇄ input object; unparseable arguments become
 *       {@code {}}); thinking blocks are dropped</td></tr>
 *   <tr><td>consecutive {@code tool} messages {@code {tool_call_id,content}}</td><td>one {@code user} message of
 *       {@code tool_result{tool_use_id,content}} blocks (content flattened to text; {@code is_error} is lost going to
 *       OpenAI)</td></tr>
 *   <tr><td>{@code tools[].function{name,description,parameters}}</td><td>{@code tools[]{name,description,input_schema}}
 *       (Anthropic server tools without {@code input_schema} are dropped)</td></tr>
 *   <tr><td>{@code tool_choice} {@code auto|none|required|{function{name}}}, {@code parallel_tool_calls:false}</td>
 *       <td>{@code {type:auto|none|any|tool,name}}, {@code disable_parallel_tool_use:true} (only when tools are sent)</td></tr>
 *   <tr><td>{@code max_completion_tokens} or {@code max_tokens}</td><td>{@code max_tokens} (1024 when absent: Anthropic
 *       requires it); going to OpenAI it becomes {@code max_completion_tokens} (the non-deprecated field)</td></tr>
 *   <tr><td>{@code temperature} (0–2)</td><td>{@code temperature} clamped to 0–1</td></tr>
 *   <tr><td>{@code top_p}, {@code stop} (string or array), {@code stream}, {@code user}</td><td>{@code top_p},
 *       {@code stop_sequences}, {@code stream}, {@code metadata.user_id}</td></tr>
 *   <tr><td>{@code stream_options.include_usage:true} is added when a streaming request goes to OpenAI</td><td></td></tr>
 * </table>
 * Fields without a counterpart ({@code n}, penalties, {@code seed}, {@code response_format}, {@code logprobs},
 * {@code top_k}, {@code thinking}, {@code cache_control}...) are dropped.
 *
 * <h2>Responses</h2>
 * Text, tool calls, {@link #stopReason finish_reason ⇄ stop_reason}, usage (OpenAI {@code prompt_tokens} includes
 * cached tokens, Anthropic {@code input_tokens} excludes them) and ids ({@code chatcmpl-X ⇄ msg_X}). Error bodies met
 * in {@link #response} are translated as errors. The {@code model} argument names the model in a translated response
 * (null keeps the upstream's); an identity "translation" is a plain deep copy.
 *
 * <h2>Errors</h2>
 * {@link #error} builds the body each SDK parses; see {@link #errorType(int)} for the status → type mapping.
 */
public final class Translation {

    /** Anthropic's required {@code max_tokens} when the OpenAI request has no limit. */
    public static final int DEFAULT_MAX_TOKENS = 1024;

    public Translation() {
    }

    // ------------------------------------------------------------------------------------------------ requests

    /** Translates a request body from one format to another (a deep copy when they are the same). */
    public ObjectNode request(ObjectNode body, ApiFormat from, ApiFormat to) {
        Objects.requireNonNull(body, "body");
        if (from == to) {
            return body.deepCopy();
        }
        return from == ApiFormat.OPENAI_CHAT ? openAiToAnthropicRequest(body) : anthropicToOpenAiRequest(body);
    }

    private static ObjectNode openAiToAnthropicRequest(ObjectNode in) {
        ObjectNode out = object();
        if (present(in.get("model"))) {
            out.set("model", in.get("model").deepCopy());
        }
        List<String> system = new ArrayList<>();
        ArrayNode messages = array();
        ArrayNode toolResults = null;
        for (JsonNode m : elements(in.get("messages"))) {
            String role = str(m, "role");
            if (role == null) {
                continue;
            }
            if (!role.equals("tool") && toolResults != null) {
                messages.addObject().put("role", "user").set("content", toolResults);
                toolResults = null;
            }
            switch (role) {
                case "system", "developer" -> system.add(text(m.get("content"), "\n"));
                case "user" -> messages.addObject().put("role", "user").set("content", userContentToAnthropic(m.get("content")));
                case "assistant" -> {
                    JsonNode content = assistantContentToAnthropic(m);
                    if (content != null) {
                        messages.addObject().put("role", "assistant").set("content", content);
                    }
                }
                case "tool" -> {
                    if (toolResults == null) {
                        toolResults = array();
                    }
                    ObjectNode result = toolResults.addObject().put("type", "tool_result");
                    result.put("tool_use_id", str(m, "tool_call_id"));
                    result.put("content", text(m.get("content"), "\n"));
                }
                default -> {
                    // legacy "function" messages and unknown roles: no faithful mapping
                }
            }
        }
        if (toolResults != null) {
            messages.addObject().put("role", "user").set("content", toolResults);
        }
        if (system.size() == 1) {
            out.put("system", system.get(0));
        } else if (system.size() > 1) {
            ArrayNode blocks = out.putArray("system");
            for (String s : system) {
                blocks.addObject().put("type", "text").put("text", s);
            }
        }
        out.set("messages", messages);

        JsonNode max = present(in.get("max_completion_tokens")) ? in.get("max_completion_tokens") : in.get("max_tokens");
        out.put("max_tokens", max != null && max.isNumber() ? max.asLong() : DEFAULT_MAX_TOKENS);

        ArrayNode tools = array();
        for (JsonNode t : elements(in.get("tools"))) {
            JsonNode f = t.get("function");
            String type = str(t, "type");
            if (!isObject(f) || (type != null && !type.equals("function")) || str(f, "name") == null) {
                continue;
            }
            ObjectNode tool = tools.addObject().put("name", str(f, "name"));
            if (str(f, "description") != null) {
                tool.put("description", str(f, "description"));
            }
            tool.set("input_schema", isObject(f.get("parameters")) ? f.get("parameters").deepCopy() : emptySchema());
        }
        if (!tools.isEmpty()) {
            out.set("tools", tools);
            ObjectNode choice = toolChoiceToAnthropic(in.get("tool_choice"));
            JsonNode parallel = in.get("parallel_tool_calls");
            if (parallel != null && parallel.isBoolean() && !parallel.asBoolean()) {
                if (choice == null) {
                    choice = object().put("type", "auto");
                }
                if (!"none".equals(str(choice, "type"))) {
                    choice.put("disable_parallel_tool_use", true);
                }
            }
            if (choice != null) {
                out.set("tool_choice", choice);
            }
        }
        JsonNode temperature = in.get("temperature");
        if (temperature != null && temperature.isNumber()) {
            out.put("temperature", Math.max(0.0, Math.min(1.0, temperature.asDouble())));
        }
        copyNumber(in, "top_p", out, "top_p");
        JsonNode stop = in.get("stop");
        if (stop != null && stop.isString()) {
            out.putArray("stop_sequences").add(stop.stringValue());
        } else if (isArray(stop) && !stop.isEmpty()) {
            ArrayNode seqs = out.putArray("stop_sequences");
            for (JsonNode s : stop) {
                if (s.isString()) {
                    seqs.add(s.stringValue());
                }
            }
        }
        if (in.get("stream") != null && in.get("stream").isBoolean()) {
            out.put("stream", in.get("stream").asBoolean());
        }
        if (str(in, "user") != null) {
            out.putObject("metadata").put("user_id", str(in, "user"));
        }
        return out;
    }

    private static JsonNode userContentToAnthropic(JsonNode content) {
        if (content == null || content.isString()) {
            return Json.NODES.stringNode(content == null ? "" : content.stringValue());
        }
        ArrayNode blocks = array();
        for (JsonNode part : elements(content)) {
            String type = str(part, "type");
            if ("text".equals(type)) {
                blocks.addObject().put("type", "text").put("text", Objects.toString(str(part, "text"), ""));
            } else if ("image_url".equals(type)) {
                JsonNode imageUrl = part.get("image_url");
                String url = imageUrl != null && imageUrl.isString() ? imageUrl.stringValue() : str(imageUrl, "url");
                ObjectNode image = imageToAnthropic(url);
                if (image != null) {
                    blocks.add(image);
                }
            }
            // input_audio, file and unknown parts: dropped
        }
        return blocks;
    }

    private static ObjectNode imageToAnthropic(String url) {
        if (url == null) {
            return null;
        }
        ObjectNode image = object().put("type", "image");
        if (url.startsWith("data:")) {
            int semi = url.indexOf(";base64,");
            if (semi < 0) {
                return null;
            }
            image.putObject("source").put("type", "base64").put("media_type", url.substring(5, semi))
                    .put("data", url.substring(semi + 8));
            return image;
        }
        if (url.startsWith("https://") || url.startsWith("http://")) {
            image.putObject("source").put("type", "url").put("url", url);
            return image;
        }
        return null;
    }

    /** The Anthropic content of an OpenAI assistant message; null when it has neither text nor tool calls. */
    private static JsonNode assistantContentToAnthropic(JsonNode m) {
        String text = text(m.get("content"), "");
        if (text.isEmpty() && str(m, "refusal") != null) {
            text = str(m, "refusal");
        }
        ArrayNode blocks = array();
        for (JsonNode call : elements(m.get("tool_calls"))) {
            JsonNode f = call.get("function");
            if (!isObject(f)) {
                continue;
            }
            ObjectNode use = blocks.addObject().put("type", "tool_use");
            use.put("id", str(call, "id"));
            use.put("name", str(f, "name"));
            ObjectNode input = Json.parseObject(str(f, "arguments"));
            use.set("input", input == null ? object() : input);
        }
        if (blocks.isEmpty()) {
            return text.isEmpty() ? null : Json.NODES.stringNode(text);
        }
        if (!text.isEmpty()) {
            blocks.insert(0, object().put("type", "text").put("text", text));
        }
        return blocks;
    }

    private static ObjectNode toolChoiceToAnthropic(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isString()) {
            return switch (choice.stringValue()) {
                case "none" -> object().put("type", "none");
                case "required" -> object().put("type", "any");
                case "auto" -> object().put("type", "auto");
                default -> null;
            };
        }
        String name = str(choice.get("function"), "name");
        return name == null ? null : object().put("type", "tool").put("name", name);
    }

    private static ObjectNode anthropicToOpenAiRequest(ObjectNode in) {
        ObjectNode out = object();
        if (present(in.get("model"))) {
            out.set("model", in.get("model").deepCopy());
        }
        ArrayNode messages = out.putArray("messages");
        JsonNode system = in.get("system");
        if (system != null && system.isString()) {
            messages.addObject().put("role", "system").put("content", system.stringValue());
        } else {
            for (JsonNode block : elements(system)) {
                if ("text".equals(str(block, "type"))) {
                    messages.addObject().put("role", "system").put("content", Objects.toString(str(block, "text"), ""));
                }
            }
        }
        for (JsonNode m : elements(in.get("messages"))) {
            String role = str(m, "role");
            JsonNode content = m.get("content");
            if ("user".equals(role)) {
                if (content == null || content.isString()) {
                    messages.addObject().put("role", "user").put("content", content == null ? "" : content.stringValue());
                    continue;
                }
                ArrayNode parts = array();
                for (JsonNode block : elements(content)) {
                    switch (Objects.toString(str(block, "type"), "")) {
                        case "tool_result" -> {
                            ObjectNode tool = messages.addObject().put("role", "tool");
                            tool.put("tool_call_id", str(block, "tool_use_id"));
                            tool.put("content", text(block.get("content"), "\n"));
                        }
                        case "text" -> parts.addObject().put("type", "text").put("text", Objects.toString(str(block, "text"), ""));
                        case "image" -> {
                            String url = imageToOpenAi(block.get("source"));
                            if (url != null) {
                                parts.addObject().put("type", "image_url").putObject("image_url").put("url", url);
                            }
                        }
                        default -> {
                            // documents, search results, thinking...: dropped
                        }
                    }
                }
                if (!parts.isEmpty()) {
                    messages.addObject().put("role", "user").set("content", parts);
                }
            } else if ("assistant".equals(role)) {
                ObjectNode message = object().put("role", "assistant");
                if (content == null || content.isString()) {
                    message.put("content", content == null ? "" : content.stringValue());
                    messages.add(message);
                    continue;
                }
                StringBuilder text = new StringBuilder();
                ArrayNode calls = array();
                for (JsonNode block : elements(content)) {
                    String type = str(block, "type");
                    if ("text".equals(type)) {
                        text.append(Objects.toString(str(block, "text"), ""));
                    } else if ("tool_use".equals(type)) {
                        ObjectNode call = calls.addObject().put("id", str(block, "id")).put("type", "function");
                        call.putObject("function").put("name", str(block, "name"))
                                .put("arguments", Json.write(isObject(block.get("input")) ? block.get("input") : object()));
                    }
                }
                if (calls.isEmpty()) {
                    message.put("content", text.toString());
                } else {
                    if (text.isEmpty()) {
                        message.putNull("content");
                    } else {
                        message.put("content", text.toString());
                    }
                    message.set("tool_calls", calls);
                }
                messages.add(message);
            }
        }
        if (in.get("max_tokens") != null && in.get("max_tokens").isNumber()) {
            out.put("max_completion_tokens", in.get("max_tokens").asLong());
        }
        ArrayNode tools = array();
        for (JsonNode t : elements(in.get("tools"))) {
            if (str(t, "name") == null || !isObject(t.get("input_schema"))) {
                continue; // server tools (web search, bash, ...) have no OpenAI counterpart
            }
            ObjectNode f = tools.addObject().put("type", "function").putObject("function");
            f.put("name", str(t, "name"));
            if (str(t, "description") != null) {
                f.put("description", str(t, "description"));
            }
            f.set("parameters", t.get("input_schema").deepCopy());
        }
        if (!tools.isEmpty()) {
            out.set("tools", tools);
            JsonNode choice = in.get("tool_choice");
            String type = str(choice, "type");
            if (type != null) {
                switch (type) {
                    case "auto" -> out.put("tool_choice", "auto");
                    case "any" -> out.put("tool_choice", "required");
                    case "none" -> out.put("tool_choice", "none");
                    case "tool" -> out.putObject("tool_choice").put("type", "function")
                            .putObject("function").put("name", str(choice, "name"));
                    default -> {
                    }
                }
                JsonNode disable = choice.get("disable_parallel_tool_use");
                if (disable != null && disable.isBoolean() && disable.asBoolean()) {
                    out.put("parallel_tool_calls", false);
                }
            }
        }
        copyNumber(in, "temperature", out, "temperature");
        copyNumber(in, "top_p", out, "top_p");
        if (isArray(in.get("stop_sequences")) && !in.get("stop_sequences").isEmpty()) {
            out.set("stop", in.get("stop_sequences").deepCopy());
        }
        JsonNode stream = in.get("stream");
        if (stream != null && stream.isBoolean()) {
            out.put("stream", stream.asBoolean());
            if (stream.asBoolean()) {
                out.putObject("stream_options").put("include_usage", true);
            }
        }
        String user = str(in.get("metadata"), "user_id");
        if (user != null) {
            out.put("user", user);
        }
        return out;
    }

    private static String imageToOpenAi(JsonNode source) {
        String type = str(source, "type");
        if ("base64".equals(type) && str(source, "media_type") != null && str(source, "data") != null) {
            return "data:" + str(source, "media_type") + ";base64," + str(source, "data");
        }
        if ("url".equals(type)) {
            return str(source, "url");
        }
        return null;
    }

    // ----------------------------------------------------------------------------------------------- responses

    /**
     * Translates a non-streaming response body. {@code model} names the model in the translated body (null keeps the
     * upstream's). An error body (OpenAI {@code {"error":{...}}}, Anthropic {@code {"type":"error",...}}) is translated
     * as an error.
     */
    public ObjectNode response(ObjectNode body, ApiFormat from, ApiFormat to, String model) {
        Objects.requireNonNull(body, "body");
        if (from == to) {
            return body.deepCopy();
        }
        if (from == ApiFormat.OPENAI_CHAT && isObject(body.get("error"))) {
            JsonNode e = body.get("error");
            return anthropicError(Objects.toString(str(e, "type"), "api_error"), Objects.toString(str(e, "message"), ""));
        }
        if (from == ApiFormat.ANTHROPIC_MESSAGES && "error".equals(str(body, "type"))) {
            JsonNode e = body.get("error");
            return openAiError(Objects.toString(str(e, "type"), "api_error"), null, Objects.toString(str(e, "message"), ""));
        }
        return from == ApiFormat.OPENAI_CHAT ? openAiToAnthropicResponse(body, model) : anthropicToOpenAiResponse(body, model);
    }

    private static ObjectNode openAiToAnthropicResponse(ObjectNode in, String model) {
        ObjectNode out = object();
        out.put("id", anthropicId(str(in, "id")));
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", model != null ? model : Objects.toString(str(in, "model"), ""));
        JsonNode choice = elements(in.get("choices")).isEmpty() ? null : in.get("choices").get(0);
        JsonNode message = choice == null ? null : choice.get("message");
        ArrayNode content = out.putArray("content");
        if (message != null) {
            JsonNode converted = assistantContentToAnthropic(message);
            if (converted != null && converted.isString()) {
                content.addObject().put("type", "text").put("text", converted.stringValue());
            } else if (converted != null) {
                content.addAll((ArrayNode) converted);
            }
        }
        out.put("stop_reason", stopReason(str(choice, "finish_reason")));
        out.putNull("stop_sequence");
        out.set("usage", anthropicUsage(usageOf(in, ApiFormat.OPENAI_CHAT)));
        return out;
    }

    private static ObjectNode anthropicToOpenAiResponse(ObjectNode in, String model) {
        ObjectNode out = object();
        out.put("id", openAiId(str(in, "id")));
        out.put("object", "chat.completion");
        out.put("created", System.currentTimeMillis() / 1000);
        out.put("model", model != null ? model : Objects.toString(str(in, "model"), ""));
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        StringBuilder text = new StringBuilder();
        ArrayNode calls = array();
        for (JsonNode block : elements(in.get("content"))) {
            String type = str(block, "type");
            if ("text".equals(type)) {
                text.append(Objects.toString(str(block, "text"), ""));
            } else if ("tool_use".equals(type)) {
                ObjectNode call = calls.addObject().put("id", str(block, "id")).put("type", "function");
                call.putObject("function").put("name", str(block, "name"))
                        .put("arguments", Json.write(isObject(block.get("input")) ? block.get("input") : object()));
            }
        }
        if (text.isEmpty() && !calls.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", text.toString());
        }
        message.putNull("refusal");
        if (!calls.isEmpty()) {
            message.set("tool_calls", calls);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(str(in, "stop_reason")));
        out.set("usage", openAiUsage(usageOf(in, ApiFormat.ANTHROPIC_MESSAGES)));
        return out;
    }

    /** OpenAI {@code finish_reason} → Anthropic {@code stop_reason}: stop→end_turn, length→max_tokens, tool_calls (and legacy function_call)→tool_use, content_filter→refusal. Null stays null. */
    public static String stopReason(String finishReason) {
        if (finishReason == null) {
            return null;
        }
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }

    /** Anthropic {@code stop_reason} → OpenAI {@code finish_reason}: end_turn, stop_sequence, pause_turn→stop; max_tokens→length; tool_use→tool_calls; refusal→content_filter. Null stays null. */
    public static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    // -------------------------------------------------------------------------------------------------- usage

    /** The usage a response body reports; {@link TokenUsage#NONE} when it reports none. */
    public TokenUsage usage(ObjectNode responseBody, ApiFormat format) {
        return usageOf(responseBody, format);
    }

    static TokenUsage usageOf(JsonNode body, ApiFormat format) {
        JsonNode u = body == null ? null : body.get("usage");
        if (!isObject(u)) {
            return TokenUsage.NONE;
        }
        return usageObject(u, format);
    }

    /** Reads a {@code usage} object itself. */
    static TokenUsage usageObject(JsonNode u, ApiFormat format) {
        if (format == ApiFormat.OPENAI_CHAT) {
            return new TokenUsage(lng(u, "prompt_tokens"), lng(u, "completion_tokens"),
                    lng(u.get("prompt_tokens_details"), "cached_tokens"));
        }
        long cacheRead = lng(u, "cache_read_input_tokens");
        return new TokenUsage(lng(u, "input_tokens") + cacheRead + lng(u, "cache_creation_input_tokens"),
                lng(u, "output_tokens"), cacheRead);
    }

    static ObjectNode openAiUsage(TokenUsage usage) {
        ObjectNode u = object();
        u.put("prompt_tokens", usage.inputTokens());
        u.put("completion_tokens", usage.outputTokens());
        u.put("total_tokens", usage.totalTokens());
        u.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedInputTokens());
        return u;
    }

    static ObjectNode anthropicUsage(TokenUsage usage) {
        ObjectNode u = object();
        u.put("input_tokens", Math.max(0, usage.inputTokens() - usage.cachedInputTokens()));
        u.put("cache_creation_input_tokens", 0);
        u.put("cache_read_input_tokens", usage.cachedInputTokens());
        u.put("output_tokens", usage.outputTokens());
        return u;
    }

    // ------------------------------------------------------------------------------------------------- errors

    /**
     * An error body in the exact shape the client's SDK parses.
     * <ul>
     *   <li>OpenAI: {@code {"error":{"message":description,"type":<type>,"code":code,"param":null}}}</li>
     *   <li>Anthropic: {@code {"type":"error","error":{"type":<type>,"message":description}}} ({@code code} has no
     *       place in this shape; put it in the description if the client must see it)</li>
     * </ul>
     * with {@code <type>} from {@link #errorType(int)}.
     */
    public ObjectNode error(int status, String code, String description, ApiFormat format) {
        String type = errorType(status);
        String message = description == null ? "" : description;
        return format == ApiFormat.OPENAI_CHAT ? openAiError(type, code, message) : anthropicError(type, message);
    }

    /**
     * The error {@code type} for an HTTP status (the Anthropic vocabulary, used for both formats): 400 and other 4xx
     * → {@code invalid_request_error}, 401 → {@code authentication_error}, 403 → {@code permission_error}, 404 →
     * {@code not_found_error}, 413 → {@code request_too_large}, 429 → {@code rate_limit_error}, 529 →
     * {@code overloaded_error}, other 5xx → {@code api_error}.
     */
    public static String errorType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    static ObjectNode openAiError(String type, String code, String message) {
        ObjectNode out = object();
        ObjectNode e = out.putObject("error");
        e.put("message", message);
        e.put("type", type);
        if (code == null) {
            e.putNull("code");
        } else {
            e.put("code", code);
        }
        e.putNull("param");
        return out;
    }

    static ObjectNode anthropicError(String type, String message) {
        ObjectNode out = object().put("type", "error");
        out.putObject("error").put("type", type).put("message", message);
        return out;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** {@code chatcmpl-X} → {@code msg_X}; other ids get the {@code msg_} prefix; null → a random one. */
    static String anthropicId(String id) {
        if (id == null || id.isEmpty()) {
            return "msg_" + UUID.randomUUID().toString().replace("-", "");
        }
        if (id.startsWith("msg_")) {
            return id;
        }
        return "msg_" + (id.startsWith("chatcmpl-") ? id.substring(9) : id);
    }

    /** {@code msg_X} → {@code chatcmpl-X}; other ids get the {@code chatcmpl-} prefix; null → a random one. */
    static String openAiId(String id) {
        if (id == null || id.isEmpty()) {
            return "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        }
        if (id.startsWith("chatcmpl-")) {
            return id;
        }
        return "chatcmpl-" + (id.startsWith("msg_") ? id.substring(4) : id);
    }

    /** The text of a content value: a string, or the text of its text (and refusal) parts/blocks joined with {@code separator}. */
    static String text(JsonNode content, String separator) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isString()) {
            return content.stringValue();
        }
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (JsonNode part : elements(content)) {
            String t = str(part, "text");
            if (t == null) {
                t = str(part, "refusal");
            }
            if (t != null) {
                if (!first) {
                    out.append(separator);
                }
                out.append(t);
                first = false;
            }
        }
        return out.toString();
    }

    static List<JsonNode> elements(JsonNode node) {
        if (!isArray(node)) {
            return List.of();
        }
        List<JsonNode> out = new ArrayList<>(node.size());
        for (JsonNode n : node) {
            out.add(n);
        }
        return out;
    }

    private static void copyNumber(JsonNode in, String from, ObjectNode out, String to) {
        JsonNode n = in.get(from);
        if (n != null && n.isNumber()) {
            out.set(to, n.deepCopy());
        }
    }

    private static ObjectNode emptySchema() {
        ObjectNode schema = object().put("type", "object");
        schema.putObject("properties");
        return schema;
    }
}
