package io.gatewaystack.mcp;

import io.gatewaystack.core.JsonMappers;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON-RPC 2.0 as MCP uses it: parsing one message or a batch, and building results and errors.
 *
 * <p>Error codes: the JSON-RPC ones ({@link #PARSE_ERROR} -32700, {@link #INVALID_REQUEST} -32600,
 * {@link #METHOD_NOT_FOUND} -32601, {@link #INVALID_PARAMS} -32602, {@link #INTERNAL_ERROR} -32603) and the
 * gateway's {@link #GATEWAY_DENIED} -32001 (authentication, authorization or a limit said no).
 */
public final class JsonRpc {

    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;
    /** Server-defined: the gateway refused the request (token, scope, policy, limit, session). */
    public static final int GATEWAY_DENIED = -32001;

    /** The module's JSON mapper (immutable, thread-safe). */
    public static final JsonMapper MAPPER = JsonMappers.forRequestPath();
    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonRpc() {
    }

    /** What a JSON-RPC message is. */
    public enum Kind { REQUEST, NOTIFICATION, RESPONSE }

    /**
     * One well-formed message.
     *
     * @param kind   request (has an id), notification (no id) or a response sent by the client
     * @param id     the request id (a string or number node), {@link NullNode} for notifications and responses
     * @param method the method of a request or notification, null for a response
     * @param params the params (an object or array), or null when absent
     */
    public record Message(Kind kind, JsonNode id, String method, JsonNode params) {
        public boolean isRequest() {
            return kind == Kind.REQUEST;
        }

        /** The params as an object; an empty object when absent. Callers check {@link #paramsAreValid()} first. */
        public JsonNode paramsObject() {
            return params == null || params.isNull() ? NODES.objectNode() : params;
        }

        /** MCP params are always objects (or absent). */
        public boolean paramsAreValid() {
            return params == null || params.isNull() || params.isObject();
        }
    }

    /** A protocol error with its code and message (and optional data); {@code id} is null when unknown. */
    public record Error(int code, String message, JsonNode data) {
        public Error(int code, String message) {
            this(code, message, null);
        }
    }

    /**
     * One element of the body: a well-formed message, or the error that element earns (an invalid request, with
     * the id when one could be read).
     */
    public record Entry(Message message, Error error, JsonNode errorId) {
        public boolean isValid() {
            return message != null;
        }
    }

    /** The parsed body: a parse error, one entry, or a batch of entries. */
    public record Parsed(Error parseError, boolean batch, List<Entry> entries) {
        public boolean isParseError() {
            return parseError != null;
        }

        /** True when every valid entry is a notification or a response (the transport answers 202). */
        public boolean hasNoRequests() {
            for (Entry e : entries) {
                if (!e.isValid() || e.message().isRequest()) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Parses raw bytes. */
    public static Parsed parse(byte[] body) {
        if (body == null || body.length == 0) {
            return new Parsed(new Error(PARSE_ERROR, "Parse error: the request body is empty."), false, List.of());
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JacksonException e) {
            return new Parsed(new Error(PARSE_ERROR, "Parse error: the request body is not valid JSON."), false, List.of());
        }
        return parse(node);
    }

    /** Parses an already decoded JSON body (null means "was not JSON"). */
    public static Parsed parse(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return new Parsed(new Error(PARSE_ERROR, "Parse error: the request body is not valid JSON."), false, List.of());
        }
        if (node.isArray()) {
            if (node.isEmpty()) {
                return new Parsed(null, true, List.of(new Entry(null,
                        new Error(INVALID_REQUEST, "Invalid Request: an empty batch."), NullNode.getInstance())));
            }
            List<Entry> entries = new ArrayList<>(node.size());
            for (JsonNode element : node) {
                entries.add(entry(element));
            }
            return new Parsed(null, true, List.copyOf(entries));
        }
        return new Parsed(null, false, List.of(entry(node)));
    }

    /** Reads one element of the body. */
    static Entry entry(JsonNode n) {
        if (!n.isObject()) {
            return invalid(NullNode.getInstance(), "Invalid Request: a message must be a JSON object.");
        }
        JsonNode idNode = n.get("id");
        boolean hasId = idNode != null;
        boolean idValid = !hasId || idNode.isString() || idNode.isIntegralNumber() || idNode.isNull();
        JsonNode echoId = hasId && idValid ? idNode : NullNode.getInstance();
        JsonNode version = n.get("jsonrpc");
        if (version == null || !version.isString() || !"2.0".equals(version.asString())) {
            return invalid(echoId, "Invalid Request: \"jsonrpc\" must be \"2.0\".");
        }
        if (!idValid) {
            return invalid(NullNode.getInstance(), "Invalid Request: \"id\" must be a string or an integer.");
        }
        JsonNode method = n.get("method");
        if (method == null) {
            boolean hasResult = n.has("result");
            boolean hasError = n.has("error");
            if (hasId && (hasResult ^ hasError)) {
                return new Entry(new Message(Kind.RESPONSE, idNode, null, null), null, null);
            }
            return invalid(echoId, "Invalid Request: \"method\" is missing.");
        }
        if (!method.isString() || method.asString().isEmpty()) {
            return invalid(echoId, "Invalid Request: \"method\" must be a non-empty string.");
        }
        JsonNode params = n.get("params");
        if (params != null && !params.isObject() && !params.isArray() && !params.isNull()) {
            return invalid(echoId, "Invalid Request: \"params\" must be an object.");
        }
        if (!hasId) {
            return new Entry(new Message(Kind.NOTIFICATION, NullNode.getInstance(), method.asString(), params), null, null);
        }
        if (idNode.isNull()) {
            // MCP: request ids must not be null.
            return invalid(NullNode.getInstance(), "Invalid Request: \"id\" must not be null.");
        }
        return new Entry(new Message(Kind.REQUEST, idNode, method.asString(), params), null, null);
    }

    private static Entry invalid(JsonNode id, String message) {
        return new Entry(null, new Error(INVALID_REQUEST, message), id);
    }

    // ------------------------------------------------------------------------------------------ building answers

    /** {@code {"jsonrpc":"2.0","id":id,"result":result}}. */
    public static ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode o = NODES.objectNode();
        o.put("jsonrpc", "2.0");
        o.set("id", id == null ? NullNode.getInstance() : id);
        o.set("result", result);
        return o;
    }

    /** {@code {"jsonrpc":"2.0","id":id,"error":{code,message[,data]}}}; a null id is written as JSON null. */
    public static ObjectNode error(JsonNode id, Error error) {
        ObjectNode o = NODES.objectNode();
        o.put("jsonrpc", "2.0");
        o.set("id", id == null ? NullNode.getInstance() : id);
        ObjectNode e = o.putObject("error");
        e.put("code", error.code());
        e.put("message", error.message());
        if (error.data() != null) {
            e.set("data", error.data());
        }
        return o;
    }

    public static ObjectNode error(JsonNode id, int code, String message) {
        return error(id, new Error(code, message));
    }
}
