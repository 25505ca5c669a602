package io.gatewaystack.mcp.federation;

import io.gatewaystack.mcp.JsonRpc;
import io.gatewaystack.mcp.McpHttpResponse.ToolOutcome;
import io.gatewaystack.mcp.ProtocolVersions;
import io.gatewaystack.mcp.ToolCallException;
import io.gatewaystack.mcp.ToolDefinition;
import io.gatewaystack.mcp.ToolResults;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The gateway as an MCP <em>client</em> of upstream MCP servers (Streamable HTTP): their tools are served under
 * {@code prefix__name} next to the gateway's own, through the same checks.
 *
 * <p><b>One upstream session per user.</b> The gateway initializes a session at an upstream for each
 * (upstream, user) pair, not one gateway-wide session, because the identity is propagated on every request of a
 * session: an upstream that binds its sessions to the authenticated user (as the MCP security guidance asks, and as
 * this gateway does itself) would reject one session used for many users, an upstream may list different tools to
 * different users, and no upstream session state can leak between users. The cost is one {@code initialize} +
 * {@code notifications/initialized} per user and upstream, then reuse. An upstream session is local to the replica
 * that opened it (the client's own gateway session stays stateless): another replica simply opens its own. When the
 * upstream forgets a session (404), it is opened again once and the request retried.
 *
 * <p><b>Tool lists</b> are cached per (upstream, user) for the upstream's {@link UpstreamServer#toolsTtl()};
 * concurrent callers share one fetch; a failed fetch is remembered for {@link #FAILURE_BACKOFF} so a down upstream
 * costs one timeout per user every few seconds, not one per {@code tools/list}. Its tools are then simply absent.
 *
 * <p><b>Failures never escape:</b> every stage here completes normally — an unreachable, slow, or misbehaving
 * upstream (HTTP error, body not JSON, not a JSON-RPC response, a JSON-RPC error, a result without content) becomes
 * an {@code isError:true} result with one sentence, and an audit outcome.
 *
 * <p>The HTTP side is an {@link UpstreamTransport} given per call (the calling event loop's client); the state here
 * (sessions, tool lists) is shared by all of them.
 *
 * <p>Thread-safe. The per-user state is bounded ({@code maxUsers} entries; idle ones are dropped first).
 */
public final class Federation {

    /** How long a failed tool-list fetch is remembered before it is tried again. */
    public static final Duration FAILURE_BACKOFF = Duration.ofSeconds(5);
    /** Most pages of one upstream {@code tools/list}, and most tools kept from one upstream. */
    static final int MAX_PAGES = 20;
    static final int MAX_TOOLS = 1000;

    /** A tool call's result and, when it is an error, how it failed (for the audit trail). */
    public record Outcome(ObjectNode result, ToolOutcome failure) {
    }

    private record Session(String id, String version) {
    }

    private record Listing(List<ToolDefinition> tools, Map<String, ToolDefinition> byName, Instant expires) {
    }

    /** One user's state at one upstream. */
    private static final class UserState {
        final UpstreamServer upstream;
        final AtomicLong lastUsed = new AtomicLong();
        volatile CompletableFuture<Session> session;
        volatile CompletableFuture<Listing> listing;
        volatile Instant listingFailedAt;

        UserState(UpstreamServer upstream) {
            this.upstream = upstream;
        }
    }

    private final List<UpstreamServer> upstreams;
    private final Clock clock;
    private final String clientVersion;
    private final int maxUsers;
    private final ConcurrentHashMap<String, UserState> states = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();

    /**
     * @param clientVersion the gateway's version, sent as {@code clientInfo.version}
     * @param maxUsers      most (upstream, user) states kept
     */
    public Federation(List<UpstreamServer> upstreams, Clock clock, String clientVersion, int maxUsers) {
        this.upstreams = List.copyOf(upstreams);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.clientVersion = clientVersion == null ? "0" : clientVersion;
        if (maxUsers < 1) {
            throw new IllegalArgumentException("maxUsers must be positive");
        }
        this.maxUsers = maxUsers;
        Set<String> prefixes = new HashSet<>();
        for (UpstreamServer u : this.upstreams) {
            if (!prefixes.add(u.prefix().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("upstream prefix '" + u.prefix() + "' is used twice");
            }
        }
    }

    public List<UpstreamServer> upstreams() {
        return upstreams;
    }

    /** The upstream a gateway tool name belongs to, or null. */
    public UpstreamServer upstreamOf(String toolName) {
        for (UpstreamServer u : upstreams) {
            if (u.owns(toolName)) {
                return u;
            }
        }
        return null;
    }

    /** The scopes a federated tool needs (its upstream's), or null when the name is not federated. */
    public List<String> scopesFor(String toolName) {
        UpstreamServer u = upstreamOf(toolName);
        return u == null ? null : u.requiredScopes();
    }

    /** Every scope an upstream requires (for the protected resource metadata). */
    public List<String> allScopes() {
        return upstreams.stream().flatMap(u -> u.requiredScopes().stream()).distinct().sorted().toList();
    }

    /**
     * The federated tools this caller may see (upstreams whose scopes it holds), in upstream order. An upstream that
     * cannot list its tools contributes none. Completes normally, always.
     */
    public CompletionStage<List<ToolDefinition>> tools(UpstreamTransport transport, Caller caller) {
        List<CompletableFuture<List<ToolDefinition>>> parts = new ArrayList<>();
        for (UpstreamServer u : upstreams) {
            if (!hasScopes(caller, u)) {
                continue;
            }
            parts.add(listing(transport, u, caller).handle((l, failure) -> failure == null ? l.tools() : List.<ToolDefinition>of()));
        }
        if (parts.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<ToolDefinition> all = new ArrayList<>();
            parts.forEach(p -> all.addAll(p.join()));
            return all;
        });
    }

    /**
     * One federated tool as this caller sees it: null when the upstream does not list it for them; exceptionally
     * (a {@link ToolCallException}) when the upstream's list cannot be had.
     */
    public CompletionStage<ToolDefinition> tool(UpstreamTransport transport, Caller caller, String toolName) {
        UpstreamServer u = upstreamOf(toolName);
        if (u == null || !hasScopes(caller, u)) {
            return CompletableFuture.completedFuture(null);
        }
        return listing(transport, u, caller).thenApply(l -> l.byName().get(toolName));
    }

    /** Calls a federated tool (found with {@link #tool}). Completes normally, always. */
    public CompletionStage<Outcome> call(UpstreamTransport transport, Caller caller, ToolDefinition tool, JsonNode arguments) {
        UpstreamServer u = upstreamOf(tool.name());
        if (u == null) {
            return CompletableFuture.completedFuture(new Outcome(ToolResults.text(
                    "Tool '" + tool.name() + "' is not served by an upstream MCP server.", true), ToolOutcome.FAILED));
        }
        ObjectNode params = JsonRpc.NODES.objectNode();
        params.put("name", u.upstreamName(tool.name()));
        params.set("arguments", arguments == null ? JsonRpc.NODES.objectNode() : arguments);
        return request(transport, state(u, caller), caller, "tools/call", params, true).handle((answer, failure) -> {
            if (failure != null) {
                Throwable cause = unwrap(failure);
                if (cause instanceof UpstreamStatus s) {
                    boolean denied = s.status == 401 || s.status == 403;
                    return new Outcome(ToolResults.text("Tool '" + tool.name() + "' failed: its upstream MCP server "
                            + u.name() + " answered HTTP " + s.status + ".", true),
                            denied ? ToolOutcome.DENIED : ToolOutcome.FAILED);
                }
                if (cause instanceof BadAnswer b) {
                    return new Outcome(ToolResults.text("Tool '" + tool.name() + "' failed: its upstream MCP server "
                            + u.name() + " " + b.getMessage() + ".", true), ToolOutcome.FAILED);
                }
                boolean timeout = cause instanceof ToolCallException e && e.kind() == ToolCallException.Kind.TIMEOUT
                        || cause instanceof java.util.concurrent.TimeoutException;
                return new Outcome(ToolResults.fromFailure(tool, cause), timeout ? ToolOutcome.TIMEOUT : ToolOutcome.FAILED);
            }
            return outcomeOf(tool, u, answer);
        });
    }

    private static Outcome outcomeOf(ToolDefinition tool, UpstreamServer u, JsonNode answer) {
        JsonNode error = answer.get("error");
        if (error != null) {
            String message = error.path("message").isString() ? error.path("message").asString() : "no message";
            return new Outcome(ToolResults.text("Tool '" + tool.name() + "' failed: its upstream MCP server " + u.name()
                    + " answered JSON-RPC error " + error.path("code").asInt(0) + ": "
                    + truncate(message) + ".", true), ToolOutcome.FAILED);
        }
        JsonNode result = answer.get("result");
        if (result == null || !result.isObject() || !result.path("content").isArray()) {
            return new Outcome(ToolResults.text("Tool '" + tool.name() + "' failed: its upstream MCP server " + u.name()
                    + " answered a result that is not a CallToolResult.", true), ToolOutcome.FAILED);
        }
        ObjectNode copy = ((ObjectNode) result).deepCopy();
        boolean isError = copy.path("isError").asBoolean(false);
        copy.put("isError", isError);
        return new Outcome(copy, isError ? ToolOutcome.FAILED : null);
    }

    /** Drops every user's state at every upstream (sessions are re-opened and tool lists fetched on next use). */
    public void clear() {
        states.clear();
    }

    /** Users × upstreams with state (tests, metrics). */
    public int stateCount() {
        return states.size();
    }

    // ------------------------------------------------------------------------------------------------ state

    private static boolean hasScopes(Caller caller, UpstreamServer u) {
        return u.requiredScopes().isEmpty() || caller.identity() != null && caller.identity().hasAllScopes(u.requiredScopes());
    }

    private UserState state(UpstreamServer u, Caller caller) {
        String key = u.prefix() + "\n" + caller.userKey();
        UserState state = states.get(key);
        if (state == null) {
            if (states.size() >= maxUsers) {
                evict();
            }
            state = states.computeIfAbsent(key, k -> new UserState(u));
        }
        state.lastUsed.set(clock.millis());
        return state;
    }

    /** Drops the least recently used quarter of the states (at least one). */
    private void evict() {
        List<Map.Entry<String, UserState>> entries = new ArrayList<>(states.entrySet());
        entries.sort((a, b) -> Long.compare(a.getValue().lastUsed.get(), b.getValue().lastUsed.get()));
        int drop = Math.max(1, entries.size() / 4);
        for (int i = 0; i < drop && i < entries.size(); i++) {
            states.remove(entries.get(i).getKey(), entries.get(i).getValue());
        }
    }

    private CompletableFuture<Listing> listing(UpstreamTransport transport, UpstreamServer u, Caller caller) {
        UserState state = state(u, caller);
        synchronized (state) {
            CompletableFuture<Listing> current = state.listing;
            Instant now = clock.instant();
            if (current != null) {
                if (!current.isDone()) {
                    return current; // in flight: share it
                }
                if (current.isCompletedExceptionally()
                        ? state.listingFailedAt != null && now.isBefore(state.listingFailedAt.plus(FAILURE_BACKOFF))
                        : now.isBefore(current.join().expires())) {
                    return current;
                }
            }
            CompletableFuture<Listing> fresh = fetchTools(transport, state, caller);
            state.listing = fresh;
            state.listingFailedAt = null;
            fresh.whenComplete((l, f) -> {
                if (f != null) {
                    state.listingFailedAt = clock.instant();
                }
            });
            return fresh;
        }
    }

    private CompletableFuture<Listing> fetchTools(UpstreamTransport transport, UserState state, Caller caller) {
        UpstreamServer u = state.upstream;
        List<ToolDefinition> tools = new ArrayList<>();
        return fetchPage(transport, state, caller, null, tools, 0).thenApply(v -> {
            Map<String, ToolDefinition> byName = new LinkedHashMap<>();
            for (ToolDefinition t : tools) {
                byName.putIfAbsent(t.name(), t);
            }
            return new Listing(List.copyOf(byName.values()), Map.copyOf(byName), clock.instant().plus(u.toolsTtl()));
        });
    }

    private CompletableFuture<Void> fetchPage(UpstreamTransport transport, UserState state, Caller caller, String cursor, List<ToolDefinition> into,
                                              int page) {
        ObjectNode params = JsonRpc.NODES.objectNode();
        if (cursor != null) {
            params.put("cursor", cursor);
        }
        return request(transport, state, caller, "tools/list", params, true).thenCompose(answer -> {
            JsonNode tools = answer.path("result").path("tools");
            if (answer.has("error") || !tools.isArray()) {
                throw new BadAnswer("answered tools/list without a tool list");
            }
            for (JsonNode t : tools) {
                ToolDefinition d = toDefinition(state.upstream, t);
                if (d != null && into.size() < MAX_TOOLS) {
                    into.add(d);
                }
            }
            JsonNode next = answer.path("result").path("nextCursor");
            if (next.isString() && !next.asString().isEmpty() && page + 1 < MAX_PAGES && into.size() < MAX_TOOLS) {
                return fetchPage(transport, state, caller, next.asString(), into, page + 1);
            }
            return CompletableFuture.completedFuture(null);
        });
    }

    /** An upstream tool as a gateway tool, or null when it cannot be served (bad name, bad schema). */
    static ToolDefinition toDefinition(UpstreamServer u, JsonNode t) {
        if (!t.isObject() || !t.path("name").isString()) {
            return null;
        }
        String exposed = u.exposedName(t.path("name").asString());
        if (!ToolDefinition.NAME.matcher(exposed).matches()) {
            return null;
        }
        JsonNode schema = t.get("inputSchema");
        try {
            return new ToolDefinition(exposed, t.path("title").isString() ? t.path("title").asString() : null,
                    t.path("description").isString() ? t.path("description").asString() : null,
                    schema == null || schema.isNull() ? null : schema, u.requiredScopes(), u.url().toString(), u.timeout());
        } catch (IllegalArgumentException e) {
            return null; // e.g. an input schema that is not an object schema
        }
    }

    // ------------------------------------------------------------------------------------------------ protocol

    /** An upstream answered a status that is not a JSON-RPC answer. */
    private static final class UpstreamStatus extends RuntimeException {
        final int status;

        UpstreamStatus(int status) {
            super("HTTP " + status, null, false, false);
            this.status = status;
        }
    }

    /** An upstream answered something that is not the JSON-RPC answer to our request. */
    private static final class BadAnswer extends RuntimeException {
        BadAnswer(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Sends one request in the user's session (opening it first when needed); the answer is the JSON-RPC response
     * object (result or error). When the upstream answers 404 to a session it gave us, the session is opened again
     * once and the request retried.
     */
    private CompletableFuture<JsonNode> request(UpstreamTransport transport, UserState state, Caller caller, String method, ObjectNode params,
                                                boolean retryOn404) {
        return session(transport, state, caller).thenCompose(session -> {
            long id = requestIds.incrementAndGet();
            ObjectNode message = JsonRpc.NODES.objectNode();
            message.put("jsonrpc", "2.0");
            message.put("id", id);
            message.put("method", method);
            message.set("params", params);
            return send(transport, state.upstream, caller, session, message).thenCompose(reply -> {
                if (reply.status() == 404 && session.id() != null && retryOn404) {
                    synchronized (state) {
                        if (state.session != null && state.session.isDone() && !state.session.isCompletedExceptionally()
                                && session.equals(state.session.join())) {
                            state.session = null;
                        }
                    }
                    return request(transport, state, caller, method, params, false);
                }
                return CompletableFuture.completedFuture(answerTo(reply, id));
            });
        }).toCompletableFuture();
    }

    private CompletableFuture<Session> session(UpstreamTransport transport, UserState state, Caller caller) {
        synchronized (state) {
            CompletableFuture<Session> current = state.session;
            if (current != null && (!current.isDone() || !current.isCompletedExceptionally())) {
                return current;
            }
            CompletableFuture<Session> fresh = initialize(transport, state.upstream, caller);
            state.session = fresh;
            return fresh;
        }
    }

    private CompletableFuture<Session> initialize(UpstreamTransport transport, UpstreamServer u, Caller caller) {
        long id = requestIds.incrementAndGet();
        ObjectNode message = JsonRpc.NODES.objectNode();
        message.put("jsonrpc", "2.0");
        message.put("id", id);
        message.put("method", "initialize");
        ObjectNode params = message.putObject("params");
        params.put("protocolVersion", ProtocolVersions.newest());
        params.putObject("capabilities");
        ObjectNode info = params.putObject("clientInfo");
        info.put("name", "gatewaystack");
        info.put("version", clientVersion);
        return send(transport, u, caller, null, message).thenCompose(reply -> {
            JsonNode answer = answerTo(reply, id);
            JsonNode result = answer.get("result");
            if (result == null || !result.path("protocolVersion").isString()) {
                throw new BadAnswer(answer.has("error") ? "refused initialize: " + truncate(answer.path("error").path("message").asString(""))
                        : "answered initialize without a protocol version");
            }
            String version = result.path("protocolVersion").asString();
            if (!ProtocolVersions.isSupported(version)) {
                throw new BadAnswer("speaks protocol version " + truncate(version) + ", which the gateway does not");
            }
            Session session = new Session(reply.sessionId(), version);
            ObjectNode initialized = JsonRpc.NODES.objectNode();
            initialized.put("jsonrpc", "2.0");
            initialized.put("method", "notifications/initialized");
            return send(transport, u, caller, session, initialized).thenApply(ack -> {
                if (ack.status() < 200 || ack.status() >= 300) {
                    throw new UpstreamStatus(ack.status());
                }
                return session;
            });
        }).toCompletableFuture();
    }

    private CompletableFuture<UpstreamTransport.Reply> send(UpstreamTransport transport, UpstreamServer u, Caller caller, Session session,
                                                            ObjectNode message) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "application/json, text/event-stream");
        if (session != null) {
            if (session.id() != null) {
                headers.put("Mcp-Session-Id", session.id());
            }
            headers.put("MCP-Protocol-Version", session.version());
        }
        byte[] body = JsonRpc.MAPPER.writeValueAsBytes(message);
        CompletableFuture<UpstreamTransport.Reply> sent;
        try {
            sent = transport.post(u, caller, headers, body).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new ToolCallException(ToolCallException.Kind.FAILED, "the request could not be sent"));
        }
        // the transport bounds each request by the upstream's timeout; this is the backstop for one that never completes
        return sent.orTimeout(u.timeout().toMillis() + 2_000, TimeUnit.MILLISECONDS);
    }

    /** The JSON-RPC response to request {@code id} in an upstream's reply (JSON or an SSE stream). */
    static JsonNode answerTo(UpstreamTransport.Reply reply, long id) {
        if (reply.status() < 200 || reply.status() >= 300) {
            throw new UpstreamStatus(reply.status());
        }
        String type = reply.contentType() == null ? "" : reply.contentType().toLowerCase(Locale.ROOT);
        List<String> candidates = type.startsWith("text/event-stream")
                ? ServerSentEvents.data(reply.body())
                : List.of(new String(reply.body(), java.nio.charset.StandardCharsets.UTF_8));
        boolean anyJson = false;
        for (String data : candidates) {
            JsonNode node;
            try {
                node = JsonRpc.MAPPER.readTree(data);
            } catch (JacksonException e) {
                continue;
            }
            anyJson |= node != null;
            if (node != null && node.isArray()) { // a 2025-03-26 server may batch its answers
                for (JsonNode n : node) {
                    if (isAnswer(n, id)) {
                        return n;
                    }
                }
            } else if (node != null && isAnswer(node, id)) {
                return node;
            }
        }
        throw new BadAnswer(anyJson ? "answered without a JSON-RPC response to the request"
                : "answered with a body that is not JSON");
    }

    private static boolean isAnswer(JsonNode n, long id) {
        return n.isObject() && "2.0".equals(n.path("jsonrpc").asString(""))
                && n.path("id").isNumber() && n.path("id").asLong() == id
                && (n.path("result").isObject() || n.path("error").isObject());
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String truncate(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", " ");
        return clean.length() > 300 ? clean.substring(0, 300) + "…" : clean;
    }
}
