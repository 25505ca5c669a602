package io.gatewaystack.mcp;

import io.gatewaystack.core.Identity;
import io.gatewaystack.mcp.federation.Caller;
import io.gatewaystack.mcp.federation.Federation;
import io.gatewaystack.mcp.federation.UpstreamTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The MCP server side of Streamable HTTP, without an HTTP server: one {@link #post} per HTTP POST to the MCP
 * endpoint. It negotiates the protocol version, issues and checks stateless session ids ({@link McpSessions}),
 * enforces the transport's header and batching rules, and answers {@code initialize}, {@code ping},
 * {@code tools/list} and {@code tools/call} (through the {@link ToolInvoker}).
 *
 * <p>Transport rules implemented (2025-03-26, 2025-06-18, 2025-11-25):
 * <ul>
 *   <li>Unparseable body: 400 with -32700. A single invalid message: 400 with -32600 (the id echoed when readable).</li>
 *   <li>Only notifications and/or responses: 202 with no body.</li>
 *   <li>{@code initialize} opens a session: the answer carries {@code Mcp-Session-Id}; it must not be batched.</li>
 *   <li>Any other POST without {@code Mcp-Session-Id}: 400 (when sessions are required); with an id that is
 *       tampered, expired or another user's: 404 (the client re-initializes).</li>
 *   <li>{@code MCP-Protocol-Version}: unsupported, or different from the session's: 400. Absent: the session's.</li>
 *   <li>Batches: only when the session's version allows them (2025-03-26), else 400 -32600.</li>
 *   <li>{@code Origin} not in the allowed list (when one is configured): 403.</li>
 * </ul>
 * Thread-safe; holds no per-session state.
 */
public final class McpServer {

    public static final String SESSION_HEADER = "Mcp-Session-Id";
    public static final String VERSION_HEADER = "MCP-Protocol-Version";

    /**
     * @param serverName     {@code serverInfo.name}
     * @param serverVersion  {@code serverInfo.version}
     * @param instructions   {@code instructions} in the initialize result, or null
     * @param pageSize       tools per {@code tools/list} page
     * @param requireSession whether requests other than initialize need {@code Mcp-Session-Id} (400 without)
     * @param allowedOrigins browser origins allowed to call (exact {@code scheme://host[:port]}); empty allows any.
     *                       A request without Origin (not a browser) is always allowed.
     */
    public record Settings(String serverName, String serverVersion, String instructions, int pageSize,
                           boolean requireSession, Set<String> allowedOrigins) {
        public Settings {
            Objects.requireNonNull(serverName, "serverName");
            Objects.requireNonNull(serverVersion, "serverVersion");
            if (pageSize < 1) {
                throw new IllegalArgumentException("pageSize must be positive");
            }
            allowedOrigins = allowedOrigins == null ? Set.of() : Set.copyOf(allowedOrigins);
        }

        public static Settings defaults(String serverVersion) {
            return new Settings("gatewaystack", serverVersion, null, 100, true, Set.of());
        }
    }

    /** Added to a tool's own timeout before the server gives up on an invoker that never completes. */
    private static final Duration SAFETY_MARGIN = Duration.ofSeconds(2);

    private final ToolRegistry registry;
    private final ToolFilter filter;
    private final ToolInvoker invoker;
    private final McpSessions sessions;
    private final Settings settings;
    private final Federation federation;
    private final UpstreamTransport upstreamTransport;

    public McpServer(ToolRegistry registry, ToolFilter filter, ToolInvoker invoker, McpSessions sessions, Settings settings) {
        this(registry, filter, invoker, sessions, settings, null, null);
    }

    /**
     * @param federation        upstream MCP servers whose tools are served next to the registry's, or null. A
     *                          registry tool whose name an upstream's prefix claims is a configuration error.
     * @param upstreamTransport how this server reaches them (required with a federation)
     */
    public McpServer(ToolRegistry registry, ToolFilter filter, ToolInvoker invoker, McpSessions sessions, Settings settings,
                     Federation federation, UpstreamTransport upstreamTransport) {
        this.federation = federation;
        this.upstreamTransport = upstreamTransport;
        if (federation != null) {
            Objects.requireNonNull(upstreamTransport, "upstreamTransport");
            for (ToolDefinition t : registry.all()) {
                if (federation.upstreamOf(t.name()) != null) {
                    throw new IllegalArgumentException("tool '" + t.name() + "' has the prefix of upstream MCP server '"
                            + federation.upstreamOf(t.name()).name() + "'");
                }
            }
        }
        this.registry = Objects.requireNonNull(registry, "registry");
        this.filter = filter == null ? ToolFilter.ALLOW_ALL : filter;
        this.invoker = Objects.requireNonNull(invoker, "invoker");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public ToolRegistry registry() {
        return registry;
    }

    public Settings settings() {
        return settings;
    }

    /** The subject a session is bound to: issuer and subject, so equal subjects of two issuers never share one. */
    public static String sessionSubject(Identity identity) {
        return identity == null ? "" : identity.issuer() + "\n" + identity.subject();
    }

    /** Answers one POST. The stage always completes normally (failures become error answers). */
    public CompletionStage<McpHttpResponse> post(McpHttpRequest request) {
        try {
            return handlePost(request);
        } catch (RuntimeException e) {
            return done(McpHttpResponse.of(500, JsonRpc.error(null, JsonRpc.INTERNAL_ERROR, "Internal error.")));
        }
    }

    /** Whether this Origin may call (403 otherwise). */
    public boolean originAllowed(String origin) {
        return origin == null || settings.allowedOrigins().isEmpty() || settings.allowedOrigins().contains(origin);
    }

    private CompletionStage<McpHttpResponse> handlePost(McpHttpRequest request) {
        if (!originAllowed(request.origin())) {
            return done(McpHttpResponse.of(403, JsonRpc.error(null, JsonRpc.GATEWAY_DENIED, "Origin not allowed.")));
        }
        JsonRpc.Parsed parsed = request.body();
        if (parsed == null || parsed.isParseError()) {
            JsonRpc.Error error = parsed == null ? new JsonRpc.Error(JsonRpc.PARSE_ERROR, "Parse error.") : parsed.parseError();
            return done(McpHttpResponse.of(400, JsonRpc.error(null, error)));
        }
        if (!parsed.batch() && !parsed.entries().getFirst().isValid()) {
            JsonRpc.Entry e = parsed.entries().getFirst();
            return done(McpHttpResponse.of(400, JsonRpc.error(e.errorId(), e.error())));
        }
        boolean initialize = false;
        for (JsonRpc.Entry e : parsed.entries()) {
            initialize |= e.isValid() && e.message().isRequest() && "initialize".equals(e.message().method());
        }
        if (initialize) {
            if (parsed.batch()) {
                return done(McpHttpResponse.of(400, JsonRpc.error(null, JsonRpc.INVALID_REQUEST,
                        "Invalid Request: initialize must not be part of a JSON-RPC batch.")));
            }
            return done(initialize(request, parsed.entries().getFirst().message()));
        }

        // Everything else belongs to a session.
        String version;
        String headerVersion = request.protocolVersion();
        if (headerVersion != null && !ProtocolVersions.isSupported(headerVersion)) {
            return done(McpHttpResponse.of(400, JsonRpc.error(null, JsonRpc.INVALID_REQUEST,
                    "Unsupported MCP-Protocol-Version '" + printable(headerVersion) + "' (supported: "
                            + String.join(", ", ProtocolVersions.SUPPORTED) + ").")));
        }
        if (request.sessionId() == null) {
            if (settings.requireSession()) {
                return done(McpHttpResponse.of(400, JsonRpc.error(null, JsonRpc.INVALID_REQUEST,
                        "Bad Request: missing Mcp-Session-Id header; send initialize first.")));
            }
            version = headerVersion != null ? headerVersion : ProtocolVersions.DEFAULT_WITHOUT_HEADER;
        } else {
            McpSessions.Verification v = sessions.verify(request.sessionId(), sessionSubject(request.identity()));
            if (!v.isValid()) {
                return done(McpHttpResponse.of(404, JsonRpc.error(null, JsonRpc.GATEWAY_DENIED,
                        "Session not found: it expired or belongs to someone else; send initialize to start a new one.")));
            }
            version = v.session().protocolVersion();
            if (headerVersion != null && !headerVersion.equals(version)) {
                return done(McpHttpResponse.of(400, JsonRpc.error(null, JsonRpc.INVALID_REQUEST,
                        "MCP-Protocol-Version '" + headerVersion + "' does not match the session's version '" + version + "'.")));
            }
        }
        if (parsed.batch() && !ProtocolVersions.allowsBatches(version)) {
            return done(McpHttpResponse.of(400, JsonRpc.error(null, JsonRpc.INVALID_REQUEST,
                    "Invalid Request: JSON-RPC batches are not supported by protocol version " + version + ".")));
        }
        if (parsed.hasNoRequests()) {
            return done(McpHttpResponse.accepted());
        }

        List<CompletableFuture<ObjectNode>> answers = new ArrayList<>(parsed.entries().size());
        McpHttpResponse.ToolOutcome[] outcome = new McpHttpResponse.ToolOutcome[1];
        for (JsonRpc.Entry e : parsed.entries()) {
            if (!e.isValid()) {
                answers.add(CompletableFuture.completedFuture(JsonRpc.error(e.errorId(), e.error())));
            } else if (e.message().isRequest()) {
                answers.add(dispatch(e.message(), request, version, outcome).toCompletableFuture());
            }
        }
        if (!parsed.batch()) {
            return answers.getFirst().thenApply(answer -> McpHttpResponse.of(200, answer).withToolOutcome(outcome[0]));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            ArrayNode array = JsonRpc.NODES.arrayNode();
            for (CompletableFuture<ObjectNode> a : answers) {
                array.add(a.join());
            }
            return McpHttpResponse.of(200, array).withToolOutcome(outcome[0]);
        });
    }

    private McpHttpResponse initialize(McpHttpRequest request, JsonRpc.Message message) {
        JsonNode params = message.params();
        if (params == null || !params.isObject() || !params.path("protocolVersion").isString()) {
            return McpHttpResponse.of(200, JsonRpc.error(message.id(), JsonRpc.INVALID_PARAMS,
                    "Invalid params: initialize requires params.protocolVersion (a string)."));
        }
        String version = ProtocolVersions.negotiate(params.path("protocolVersion").asString());
        ObjectNode result = JsonRpc.NODES.objectNode();
        result.put("protocolVersion", version);
        ObjectNode capabilities = result.putObject("capabilities");
        capabilities.putObject("tools").put("listChanged", false);
        ObjectNode info = result.putObject("serverInfo");
        info.put("name", settings.serverName());
        info.put("version", settings.serverVersion());
        if (settings.instructions() != null) {
            result.put("instructions", settings.instructions());
        }
        String sessionId = sessions.create(sessionSubject(request.identity()), version);
        return new McpHttpResponse(200, JsonRpc.result(message.id(), result), Map.of(SESSION_HEADER, sessionId));
    }

    private CompletionStage<ObjectNode> dispatch(JsonRpc.Message m, McpHttpRequest request, String version,
                                                 McpHttpResponse.ToolOutcome[] outcome) {
        if (!m.paramsAreValid()) {
            return done(JsonRpc.error(m.id(), JsonRpc.INVALID_PARAMS, "Invalid params: params must be an object."));
        }
        return switch (m.method()) {
            case "ping" -> done(JsonRpc.result(m.id(), JsonRpc.NODES.objectNode()));
            case "tools/list" -> listTools(m, request);
            case "tools/call" -> callTool(m, request, version, outcome);
            default -> done(JsonRpc.error(m.id(), JsonRpc.METHOD_NOT_FOUND, "Method not found: " + printable(m.method())));
        };
    }

    private CompletionStage<ObjectNode> listTools(JsonRpc.Message m, McpHttpRequest request) {
        JsonNode cursor = m.paramsObject().get("cursor");
        int offset = 0;
        if (cursor != null && !cursor.isNull()) {
            offset = cursor.isString() ? decodeCursor(cursor.asString()) : -1;
            if (offset < 0) {
                return done(JsonRpc.error(m.id(), JsonRpc.INVALID_PARAMS, "Invalid params: unknown cursor."));
            }
        }
        List<ToolDefinition> local = registry.visibleTo(request.identity(), filter);
        int from = offset;
        if (federation == null) {
            return done(page(m, local, from));
        }
        // federated tools follow the registry's; each upstream's list is cached, and one that fails lists nothing
        return federation.tools(upstreamTransport, caller(request)).thenApply(federated -> {
            List<ToolDefinition> all = new ArrayList<>(local.size() + federated.size());
            all.addAll(local);
            java.util.function.Predicate<ToolDefinition> allowed = filter.forCaller(request.identity());
            for (ToolDefinition t : federated) {
                if (allowed.test(t)) {
                    all.add(t);
                }
            }
            return page(m, all, from);
        });
    }

    private ObjectNode page(JsonRpc.Message m, List<ToolDefinition> visible, int offset) {
        ObjectNode result = JsonRpc.NODES.objectNode();
        ArrayNode tools = result.putArray("tools");
        int end = Math.min(visible.size(), offset + settings.pageSize());
        for (int i = offset; i < end; i++) {
            tools.add(visible.get(i).toListEntry());
        }
        if (end < visible.size()) {
            result.put("nextCursor", encodeCursor(end));
        }
        return JsonRpc.result(m.id(), result);
    }

    private static Caller caller(McpHttpRequest request) {
        return new Caller(request.identity(), request.bearerToken(), request.requestId(), request.extraHeaders());
    }

    static String encodeCursor(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("o:" + offset).getBytes(StandardCharsets.US_ASCII));
    }

    /** The offset a cursor stands for, or -1 when it is not one of ours. */
    static int decodeCursor(String cursor) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (!s.startsWith("o:")) {
                return -1;
            }
            int offset = Integer.parseInt(s.substring(2));
            return offset >= 0 ? offset : -1;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    private CompletionStage<ObjectNode> callTool(JsonRpc.Message m, McpHttpRequest request, String version,
                                                 McpHttpResponse.ToolOutcome[] outcome) {
        JsonNode params = m.paramsObject();
        JsonNode nameNode = params.get("name");
        if (nameNode == null || !nameNode.isString()) {
            return done(JsonRpc.error(m.id(), JsonRpc.INVALID_PARAMS, "Invalid params: tools/call requires params.name (a string)."));
        }
        String name = nameNode.asString();
        ToolDefinition local = registry.get(name);
        if (local == null && federation != null && federation.upstreamOf(name) != null) {
            return federation.tool(upstreamTransport, caller(request), name).handle((tool, failure) -> {
                if (failure != null) {
                    outcome[0] = McpHttpResponse.ToolOutcome.FAILED;
                    return done(JsonRpc.result(m.id(), ToolResults.text("Tool '" + printable(name)
                            + "' is unavailable: its upstream MCP server could not list its tools.", true)));
                }
                return checkAndCall(m, name, tool, true, request, version, outcome);
            }).thenCompose(stage -> stage);
        }
        return checkAndCall(m, name, local, false, request, version, outcome);
    }

    /** The checks every tool call passes (visible, scopes, arguments), then the call. */
    private CompletionStage<ObjectNode> checkAndCall(JsonRpc.Message m, String name, ToolDefinition tool, boolean federated,
                                                     McpHttpRequest request, String version,
                                                     McpHttpResponse.ToolOutcome[] outcome) {
        JsonNode params = m.paramsObject();
        Identity identity = request.identity();
        if (tool == null || !filter.allows(identity, tool)) {
            return done(JsonRpc.error(m.id(), JsonRpc.INVALID_PARAMS, "Unknown tool: " + printable(name)));
        }
        if (!ToolRegistry.hasScopes(identity, tool)) {
            ObjectNode data = JsonRpc.NODES.objectNode();
            data.put("error", "insufficient_scope");
            ArrayNode required = data.putArray("required_scopes");
            tool.requiredScopes().forEach(required::add);
            return done(JsonRpc.error(m.id(), new JsonRpc.Error(JsonRpc.GATEWAY_DENIED,
                    "The access token lacks a scope tool '" + name + "' requires.", data)));
        }
        JsonNode arguments = params.get("arguments");
        if (arguments == null || arguments.isNull()) {
            arguments = JsonRpc.NODES.objectNode();
        } else if (!arguments.isObject()) {
            return done(JsonRpc.error(m.id(), JsonRpc.INVALID_PARAMS, "Invalid params: params.arguments must be an object."));
        }
        String problem = SchemaValidator.validate(tool.inputSchema(), arguments);
        if (problem != null) {
            String message = "Invalid arguments for tool '" + name + "': " + problem;
            return done(ProtocolVersions.inputErrorsAsToolErrors(version)
                    ? JsonRpc.result(m.id(), ToolResults.text(message, true))
                    : JsonRpc.error(m.id(), JsonRpc.INVALID_PARAMS, message));
        }
        if (federated) {
            // bounded: the session may need opening (two requests) before the call itself
            long limit = tool.timeout().multipliedBy(3).plus(SAFETY_MARGIN).toMillis();
            ToolDefinition called = tool;
            return federation.call(upstreamTransport, caller(request), tool, arguments).toCompletableFuture()
                    .orTimeout(limit, TimeUnit.MILLISECONDS)
                    .handle((o, failure) -> {
                        if (failure != null) {
                            outcome[0] = McpHttpResponse.ToolOutcome.TIMEOUT;
                            return JsonRpc.result(m.id(), ToolResults.fromFailure(called, failure));
                        }
                        outcome[0] = o.failure();
                        return JsonRpc.result(m.id(), o.result());
                    });
        }
        return invoke(tool, arguments, identity, request.requestId(), request.extraHeaders(), outcome)
                .thenApply(result -> JsonRpc.result(m.id(), result));
    }

    /**
     * Calls the tool and maps whatever happens to a {@code CallToolResult}. Completes normally, always, and at the
     * latest a little after the tool's timeout even if the invoker never completes.
     */
    public CompletionStage<ObjectNode> invoke(ToolDefinition tool, JsonNode arguments, Identity identity, String requestId) {
        return invoke(tool, arguments, identity, requestId, java.util.Map.of(), new McpHttpResponse.ToolOutcome[1]);
    }

    private CompletionStage<ObjectNode> invoke(ToolDefinition tool, JsonNode arguments, Identity identity, String requestId,
                                               java.util.Map<String, String> extraHeaders,
                                               McpHttpResponse.ToolOutcome[] outcome) {
        CompletableFuture<ToolInvoker.BackendResponse> call;
        try {
            call = invoker.invoke(new ToolInvoker.ToolCall(tool, arguments, identity, requestId, extraHeaders))
                    .toCompletableFuture();
        } catch (RuntimeException e) {
            outcome[0] = McpHttpResponse.ToolOutcome.FAILED;
            return done(ToolResults.fromFailure(tool, e));
        }
        CompletableFuture<ToolInvoker.BackendResponse> bounded = invoker.boundsItsOwnTime() ? call
                : call.orTimeout(tool.timeout().plus(SAFETY_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
        return bounded.handle((response, failure) -> {
                    ObjectNode result = failure != null ? ToolResults.fromFailure(tool, failure) : ToolResults.fromBackend(tool, response);
                    if (result.path("isError").asBoolean(false)) {
                        outcome[0] = failure != null ? (isTimeout(failure) ? McpHttpResponse.ToolOutcome.TIMEOUT : McpHttpResponse.ToolOutcome.FAILED)
                                : response.status() == 401 || response.status() == 403 ? McpHttpResponse.ToolOutcome.DENIED
                                : McpHttpResponse.ToolOutcome.FAILED;
                    }
                    return result;
                });
    }

    private static boolean isTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException
                    || t instanceof ToolCallException e && e.kind() == ToolCallException.Kind.TIMEOUT) {
                return true;
            }
        }
        return false;
    }

    /** GET on the MCP endpoint: this server offers no server-initiated stream. */
    public McpHttpResponse get() {
        return McpHttpResponse.of(405, null);
    }

    /**
     * DELETE on the MCP endpoint: sessions are stateless signed tokens and cannot be revoked one by one, so the
     * server answers 405 as the transport allows ("the server MAY respond 405 to indicate that it does not allow
     * clients to terminate sessions"). Sessions end at their expiry.
     */
    public McpHttpResponse delete() {
        return McpHttpResponse.of(405, null);
    }

    private static String printable(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) + "…" : s;
        StringBuilder sb = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return sb.toString();
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

}
