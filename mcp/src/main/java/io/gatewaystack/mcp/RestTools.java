package io.gatewaystack.mcp;

import io.gatewaystack.core.Failures;
import io.gatewaystack.core.Identity;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The REST tool gateway ({@code POST /tools/{name}}, the seed's shape): the request body is the arguments; the
 * answer is
 * <ul>
 *   <li>backend 2xx: 200 {@code {ok:true, data, requestId, elapsedMs, sub}};</li>
 *   <li>backend non-2xx: the same status, {@code {ok:false, error:{code:"FN_<status>", message:"Function error",
 *       details}, requestId, elapsedMs, sub}};</li>
 *   <li>no answer: 504 {@code upstream_timeout} or 502 {@code upstream_error} in the same envelope;</li>
 *   <li>arguments that do not fit the tool's schema: 400 {@code invalid_request}.</li>
 * </ul>
 * Unknown tools and missing scopes are answered before, by {@link ToolResource}.
 */
public final class RestTools {

    /** A status and a JSON body. */
    public record Response(int status, JsonNode body) {
    }

    private final ToolInvoker invoker;

    public RestTools(ToolInvoker invoker) {
        this.invoker = invoker;
    }

    public CompletionStage<Response> call(ToolDefinition tool, JsonNode arguments, Identity identity, String requestId) {
        return call(tool, arguments, identity, requestId, java.util.Map.of());
    }

    /** The same, with headers layers asked to add (never replacing identity or authentication headers). */
    public CompletionStage<Response> call(ToolDefinition tool, JsonNode arguments, Identity identity, String requestId,
                                          java.util.Map<String, String> extraHeaders) {
        long start = System.nanoTime();
        String sub = identity == null ? null : identity.subject();
        JsonNode args = arguments == null || arguments.isNull() ? JsonRpc.NODES.objectNode() : arguments;
        String problem = args.isObject() ? SchemaValidator.validate(tool.inputSchema(), args) : "arguments must be a JSON object.";
        if (problem != null) {
            ObjectNode body = JsonRpc.NODES.objectNode();
            body.put("error", "invalid_request");
            body.put("error_description", "Invalid arguments for tool '" + tool.name() + "': " + problem);
            return CompletableFuture.completedFuture(new Response(400, body));
        }
        CompletableFuture<ToolInvoker.BackendResponse> call;
        try {
            call = invoker.invoke(new ToolInvoker.ToolCall(tool, args, identity, requestId, extraHeaders)).toCompletableFuture();
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<ToolInvoker.BackendResponse> bounded = invoker.boundsItsOwnTime() ? call
                : call.orTimeout(tool.timeout().toMillis() + 2000, TimeUnit.MILLISECONDS);
        return bounded.handle((response, failure) -> {
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            ObjectNode body = JsonRpc.NODES.objectNode();
            if (failure != null) {
                Throwable cause = Failures.unwrap(failure);
                boolean timeout = cause instanceof java.util.concurrent.TimeoutException
                        || cause instanceof ToolCallException e && e.kind() == ToolCallException.Kind.TIMEOUT;
                body.put("ok", false);
                ObjectNode error = body.putObject("error");
                error.put("code", timeout ? "upstream_timeout" : "upstream_error");
                error.put("message", ToolResults.fromFailure(tool, cause).path("content").path(0).path("text").asString());
                envelope(body, requestId, elapsedMs, sub);
                return new Response(timeout ? 504 : 502, body);
            }
            JsonNode data = parse(response);
            if (response.status() >= 200 && response.status() < 300) {
                body.put("ok", true);
                body.set("data", data);
                envelope(body, requestId, elapsedMs, sub);
                return new Response(200, body);
            }
            body.put("ok", false);
            ObjectNode error = body.putObject("error");
            error.put("code", "FN_" + response.status());
            error.put("message", "Function error");
            error.set("details", data);
            envelope(body, requestId, elapsedMs, sub);
            int status = response.status() >= 400 && response.status() < 600 ? response.status() : 502;
            return new Response(status, body);
        });
    }

    private static void envelope(ObjectNode body, String requestId, long elapsedMs, String sub) {
        body.put("requestId", requestId);
        body.put("elapsedMs", elapsedMs);
        body.put("sub", sub);
    }

    /** The backend's body as JSON: parsed when it is, a string when it is text, null when empty. */
    private static JsonNode parse(ToolInvoker.BackendResponse response) {
        if (response.body().length == 0) {
            return JsonRpc.NODES.nullNode();
        }
        String ct = response.contentType() == null ? "" : response.contentType().toLowerCase(Locale.ROOT);
        if (ct.isEmpty() || ct.contains("json")) {
            try {
                return JsonRpc.MAPPER.readTree(response.body());
            } catch (JacksonException e) {
                // fall through: quoted as text
            }
        }
        String text = new String(response.body(), StandardCharsets.UTF_8);
        return JsonRpc.NODES.stringNode(ToolResults.truncate(text));
    }
}
