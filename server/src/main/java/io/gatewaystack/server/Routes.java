package io.gatewaystack.server;

import io.gatewaystack.audit.trace.LayerSpan;
import io.gatewaystack.audit.trace.Tracing;
import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.Pipeline;
import io.gatewaystack.core.ReadBody;
import io.gatewaystack.identity.ScopeRequirement;
import io.gatewaystack.proxy.UpstreamPath;
import io.gatewaystack.server.http.ErrorResponder;
import io.gatewaystack.server.http.GatewayRoute;
import io.gatewaystack.core.RequestIds;
import io.gatewaystack.server.http.RequestShape;
import io.gatewaystack.server.http.Terminal;
import io.gatewaystack.server.routes.Auth0LogWebhook;
import io.gatewaystack.server.routes.DiscoveryRoutes;
import io.gatewaystack.server.routes.HealthRoutes;
import io.gatewaystack.server.routes.IssuerMetadataRelay.Document;
import io.gatewaystack.server.routes.NotFound;
import io.gatewaystack.server.routes.ProtectedRoutes;
import io.gatewaystack.server.routes.ReverseProxy;
import io.gatewaystack.server.routes.UsageMe;
import io.gatewaystack.transform.ForcedRedaction;
import io.gatewaystack.transform.TransformConfig;
import io.gatewaystack.mcp.McpResource;
import io.gatewaystack.mcp.RestTools;
import io.gatewaystack.mcp.ToolResource;
import io.gatewaystack.server.mcp.McpErrorShape;
import io.gatewaystack.server.mcp.McpSessionWorkflows;
import io.gatewaystack.limits.agent.SessionSource;
import io.gatewaystack.limits.agent.ToolArguments;
import io.gatewaystack.server.mcp.McpTerminal;
import io.gatewaystack.server.mcp.RestToolTerminal;
import io.gatewaystack.proxy.llm.ApiFormat;
import io.gatewaystack.server.llm.LlmErrors;
import io.gatewaystack.server.llm.LlmProxy;
import io.gatewaystack.server.llm.LlmSettings;
import io.gatewaystack.server.llm.ModelList;
import io.gatewaystack.server.llm.ModelResource;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every route of the gateway and the chain of layers each one runs — the one place to read to know what the
 * gateway does with a request.
 *
 * <p>Chains run in this order: audit (first, so its completion runs last and sees every outcome), request shape
 * (method, declared body size), identity (the verified token), per-route authorization (scopes), then — on routes
 * whose layers need it — reading the body and transforming it, then policy and limits (each when configured), and on
 * tool and LLM routes the agent guard after limits.
 * Policy runs after transform so that rules can see what the content holds.
 */
final class Routes {

    private static final Logger log = LoggerFactory.getLogger(Routes.class);
    private static final Set<String> READ = Set.of("GET", "HEAD");
    private static final Set<String> ANY = Set.of();

    private final Components c;
    private final RequestIds requestIds;
    private final ErrorResponder errors;
    private final ForcedRedaction forcedRedaction;

    Routes(Components components) {
        this.c = components;
        this.requestIds = components.requestIds();
        this.errors = components.errors();
        this.forcedRedaction = new ForcedRedaction(components.config().transform() != null
                ? components.config().transform() : TransformConfig.defaults());
    }

    /**
     * The request handler: proxy traffic (the bulk of it) goes straight to its route, everything else through the
     * router. Both paths run the same path guard first.
     */
    /** One event loop's MCP and REST tool terminals (they hold that loop's HTTP client). */
    record ToolRoutes(McpTerminal mcp, RestTools rest) {}

    Handler<HttpServerRequest> build(Vertx vertx, ReverseProxy proxy, LlmProxy chat, LlmProxy messages, LlmProxy embeddings,
                                     LlmProxy responses, ToolRoutes tools) {
        Router router = Router.router(vertx);
        HealthRoutes health = c.health();
        DiscoveryRoutes discovery = c.discovery();
        ProtectedRoutes protectedRoutes = c.protectedRoutes();

        // Unsafe raw paths (dot segments, encoded slashes) are refused before routing normalises them away.
        GatewayRoute invalidPath = route("invalid-path", open(ANY),
                NotFound.error(errors, ErrorCode.INVALID_REQUEST, "The request path is not allowed."));
        router.route().order(-1).handler(rc -> {
            if (UpstreamPath.problemWith(rc.request().path()) != null) {
                invalidPath.handle(rc);
            } else {
                rc.next();
            }
        });

        router.route("/health").handler(route("health", open(READ), health.health()));
        // liveness: the process answers; unlike /health it does not turn 503 when a dependency (the IdP) is down
        router.route("/health/live").handler(route("health.live", open(READ), (request, ctx) -> request.response()
                .putHeader("Content-Type", "application/json").end("{\"ok\":true}")));
        router.route("/health/idp").handler(route("health.idp", open(READ), health.identityProvider()));
        router.route("/health/auth0").handler(route("health.idp", open(READ), health.identityProvider()));

        if (c.audit() != null) {
            router.route("/metrics").handler(route("metrics", open(READ), (request, ctx) -> request.response()
                    .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(c.audit().metrics().scrape())));
        }

        router.route("/.well-known/oauth-protected-resource").handler(
                route("discovery.prm", open(READ), discovery.protectedResourceMetadata("")));
        router.route("/.well-known/oauth-protected-resource/mcp").handler(
                route("discovery.prm", open(READ), discovery.protectedResourceMetadata("/mcp")));
        router.route("/.well-known/oauth-authorization-server").handler(
                route("discovery.as", open(READ), discovery.issuerMetadata(Document.AUTHORIZATION_SERVER)));
        router.route("/.well-known/openid-configuration").handler(
                route("discovery.oidc", open(READ), discovery.issuerMetadata(Document.OPENID_CONFIGURATION)));
        router.route("/.well-known/gateway-jwks.json").handler(
                route("discovery.gateway-jwks", open(READ), discovery.gatewayJwks()));

        router.route("/protected/ping").handler(
                route("protected.ping", authenticated(READ), protectedRoutes.ping()));
        router.route("/protected/echo").handler(
                route("protected.echo", authenticated(Set.of("POST"), List.of("tool:write"), Body.JSON), protectedRoutes.echo()));

        Terminal proxyTerminal = proxy != null ? proxy
                : NotFound.error(errors, ErrorCode.NOT_FOUND, "The reverse proxy is not configured (set PROXY_TARGET).");
        boolean inspect = c.config().proxy() != null && c.config().proxy().inspectBodies();
        GatewayRoute proxyRoute = route("proxy", authenticated(ANY, List.of(), inspect ? Body.ANY : Body.STREAMED), proxyTerminal);
        router.route("/proxy").handler(proxyRoute);
        router.route("/proxy/*").handler(proxyRoute);

        if (chat != null) {
            llmRoutes(router, chat, messages, embeddings, responses);
        }
        if (tools != null) {
            toolRoutes(router, tools);
        }
        if (c.audit() != null && c.audit().auth0Webhook() != null) {
            // Auth0 log stream: secret first (constant time, before reading the body), then DCR promotion
            var settings = c.audit().auth0Webhook();
            Auth0LogWebhook webhook = new Auth0LogWebhook(settings.secret(), c.audit().auth0Promoter(), errors,
                    c.config().server().maxBodyBytes());
            List<Layer> layers = audited();
            layers.add(new RequestShape(Set.of("POST"), c.config().server().maxBodyBytes()));
            layers.add(webhook.secretCheck());
            // the terminal reads the body itself: Auth0 may send JSON lines as application/json
            router.route("/webhooks/auth0/logs").handler(new GatewayRoute("webhooks.auth0.logs", pipeline(layers),
                    webhook.terminal(), errors, requestIds, true));
        }
        if (c.audit() != null || c.budgets() != null) {
            router.route("/v1/usage/me").handler(new GatewayRoute("usage.me", authenticated(READ),
                    new UsageMe(c.audit() == null ? null : c.audit().store(), c.budgets(), c.blocking(), errors), errors,
                    requestIds, false).acceptApiKeyHeader());
        }

        if (c.admin() != null) {
            adminRoutes(router);
        }

        router.route().last().handler(route("not-found", open(ANY),
                NotFound.error(errors, ErrorCode.NOT_FOUND, "No such route.")));

        return request -> {
            String path = request.path();
            if (path.startsWith("/proxy/") && UpstreamPath.problemWith(path) == null) {
                proxyRoute.handle(request);
            } else {
                router.handle(request);
            }
        };
    }

    /**
     * The LLM gateway: {@code /v1/chat/completions} (OpenAI), {@code /v1/messages} (Anthropic), {@code /v1/embeddings}
     * (OpenAI-format providers only), {@code /v1/responses} (OpenAI Responses API), {@code /v1/models}.
     * The token may come as {@code x-api-key} for SDKs that only send API keys; errors take each SDK's shape.
     */
    private void llmRoutes(Router router, LlmProxy chat, LlmProxy messages, LlmProxy embeddings, LlmProxy responses) {
        LlmSettings llm = c.config().llm();
        ErrorResponder openAiErrors = LlmErrors.shaped(errors, ApiFormat.OPENAI_CHAT);
        ErrorResponder anthropicErrors = LlmErrors.shaped(errors, ApiFormat.ANTHROPIC_MESSAGES);
        router.route("/v1/chat/completions").handler(
                new GatewayRoute("llm.chat", llmChain(llm), chat, openAiErrors, requestIds, true).acceptApiKeyHeader());
        router.route("/v1/messages").handler(
                new GatewayRoute("llm.messages", llmChain(llm), messages, anthropicErrors, requestIds, true).acceptApiKeyHeader());
        router.route("/v1/embeddings").handler(
                new GatewayRoute("llm.embeddings", llmChain(llm), embeddings, openAiErrors, requestIds, true).acceptApiKeyHeader());
        router.route("/v1/responses").handler(
                new GatewayRoute("llm.responses", llmChain(llm), responses, openAiErrors, requestIds, true).acceptApiKeyHeader());
        router.route("/v1/models").handler(
                new GatewayRoute("llm.models", authenticated(READ), new ModelList(llm, c.policy()), openAiErrors, requestIds, false)
                        .acceptApiKeyHeader());
    }

    /**
     * {@code /mcp} (MCP over Streamable HTTP; errors as JSON-RPC) and {@code /tools/{name}} (the seed's REST tool
     * gateway). A tool call is a resource of kind TOOL, so transform, policy and limits decide per tool.
     */
    private void toolRoutes(Router router, ToolRoutes tools) {
        long maxBody = c.config().server().maxBodyBytes();
        ErrorResponder mcpErrors = errors.withBodyShape(new McpErrorShape());
        List<Layer> mcp = audited();
        mcp.add(new RequestShape(Set.of("POST", "GET", "DELETE"), maxBody));
        mcp.add(c.identity());
        mcp.add(new ReadBody(maxBody, false));
        mcp.add(new McpResource(c.tools(), c.federation()));
        governance(mcp, agentGuard(ToolArguments.MCP_TOOLS_CALL, new McpSessionWorkflows(c.mcpSessions())));
        router.route("/mcp").handler(new GatewayRoute("mcp", pipeline(mcp), tools.mcp(), mcpErrors, requestIds, true));

        ToolResource toolResource = new ToolResource(c.tools(), c.toolFilter(), "/tools/");
        List<Layer> rest = audited();
        rest.add(new RequestShape(Set.of("POST"), maxBody));
        rest.add(c.identity());
        rest.add(toolResource);
        rest.add(new ReadBody(maxBody, true));
        governance(rest, agentGuard(ToolArguments.REQUEST_BODY, SessionSource.NONE));
        router.route("/tools/:name").handler(new GatewayRoute("tools", pipeline(rest),
                new RestToolTerminal(c.tools(), toolResource, tools.rest(), errors), errors, requestIds, true));
    }

    /**
     * The admin console: its JSON API (identity, then the admin scope or role; no policy or limits, so a console
     * keeps working while an operator fixes them) and its static app (open: the login page must load first; in
     * the access log, not the audit trail).
     */
    private void adminRoutes(Router router) {
        long maxBody = c.config().server().maxBodyBytes();
        List<Layer> api = audited();
        api.add(new RequestShape(Set.of("GET", "HEAD", "POST"), maxBody));
        api.add(c.identity());
        api.add(c.admin().access());
        api.add(new ReadBody(maxBody, false));
        router.route("/admin/api/*").handler(new GatewayRoute("admin.api", pipeline(api), c.admin().api(), errors,
                requestIds, true));
        // The app's files carry no identity and no data: the access log records them, the audit trail (who did
        // what) would only fill with a dozen anonymous rows per page load. The API calls are audited.
        GatewayRoute console = route("admin.console", pipeline(List.of(c.accessLog(),
                new RequestShape(READ, c.config().server().maxBodyBytes()))), c.admin().assets());
        router.route("/admin").handler(console);
        router.route("/admin/*").handler(console);
    }

    /** {@link #governance(List, Layer)} without the agent guard. */
    private void governance(List<Layer> layers) {
        governance(layers, null);
    }

    /**
     * transform, policy (then the policy's forced redactions), limits and the agent guard, each when configured, in
     * that order; then pricing.
     * Transform and forced redaction act on the body and let requests without one (streamed routes) through.
     * The agent guard sits before pricing so that its completion (adding the call's cost to the workflow) runs
     * after pricing's.
     */
    private void governance(List<Layer> layers, Layer agentGuard) {
        if (c.transform() != null) {
            layers.add(c.transform());
        }
        if (c.policy() != null) {
            layers.add(c.policy());
            layers.add(forcedRedaction);
        }
        if (c.limits() != null) {
            layers.add(c.limits());
        }
        if (agentGuard != null) {
            layers.add(agentGuard);
        }
        layers.add(c.pricing()); // last, so it completes first: usage is priced before budgets settle and audit writes
    }

    /** audit, shape(POST), identity, read-body(JSON), model, [transform], [policy], [limits]. */
    private Pipeline llmChain(LlmSettings llm) {
        List<Layer> layers = audited();
        layers.add(new RequestShape(Set.of("POST"), c.config().server().maxBodyBytes()));
        layers.add(c.identity());
        layers.add(new ReadBody(c.config().server().maxBodyBytes(), true));
        layers.add(new ModelResource(llm));
        governance(layers, agentGuard(null, SessionSource.NONE)); // calls, cost, duration; no loop check on models
        return pipeline(layers);
    }

    /**
     * The agent guard's layer for one kind of route, or null when it is not configured: caps per workflow
     * ({@code X-Workflow-Id}, or the verified MCP session) on calls, duration and cost, and loop detection on tool
     * calls ({@code arguments} null: none).
     */
    private Layer agentGuard(ToolArguments arguments, SessionSource sessions) {
        return c.agentGuard() == null ? null : c.agentGuard().layer(arguments, sessions);
    }

    /** Public routes: audited, shape-checked, no token. */
    private Pipeline open(Set<String> methods) {
        List<Layer> layers = audited();
        layers.add(new RequestShape(methods, c.config().server().maxBodyBytes()));
        return pipeline(layers);
    }

    /**
     * Every chain starts with the access log and the audit trail: first in, so their completion runs last and sees
     * every outcome, including rejections by the layers after them (and the audit layer's own 503 when the trail
     * cannot take events: an auditable gateway does not serve unaudited).
     */
    private List<Layer> audited() {
        List<Layer> layers = new ArrayList<>();
        layers.add(c.accessLog());
        if (c.audit() != null) {
            layers.add(c.audit().layer());
        }
        return layers;
    }

    /** What a route does with the request body. */
    private enum Body {
        /** Not read by the layers: the terminal streams it (or there is none). */
        STREAMED,
        /** Read after identity into the context; must be JSON (400 otherwise). */
        JSON,
        /** Read after identity into the context; parsed when its Content-Type says JSON. */
        ANY
    }

    /**
     * Routes that need a valid token and, optionally, scopes (all of them, exact match). A body is read only
     * after the caller has been identified.
     */
    private Pipeline authenticated(Set<String> methods, List<String> scopes, Body body) {
        long maxBody = c.config().server().maxBodyBytes();
        List<Layer> layers = audited();
        layers.add(new RequestShape(methods, maxBody));
        layers.add(c.identity());
        if (!scopes.isEmpty()) {
            layers.add(new ScopeRequirement(scopes));
        }
        if (body != Body.STREAMED) {
            layers.add(new ReadBody(maxBody, body == Body.JSON));
        }
        governance(layers);
        return pipeline(layers);
    }

    private Pipeline authenticated(Set<String> methods) {
        return authenticated(methods, List.of(), Body.STREAMED);
    }

    /** The chain as a pipeline; with tracing on, a request span first and a span around every layer. */
    private Pipeline pipeline(List<Layer> layers) {
        Tracing tracing = c.audit() == null ? null : c.audit().tracing();
        return new Pipeline(tracing == null ? layers : tracing.instrument(layers), (layer, phase, error) ->
                log.error("layer {} failed in its {} phase", layer.name(), phase, error));
    }

    private GatewayRoute route(String name, Pipeline pipeline, Terminal terminal) {
        boolean readsBody = pipeline.layers().stream().anyMatch(layer -> LayerSpan.unwrap(layer) instanceof ReadBody);
        return new GatewayRoute(name, pipeline, terminal, errors, requestIds, readsBody);
    }

    /** Scopes named by routes, advertised in the protected resource metadata. */
    static List<String> routeScopes() {
        return List.of("tool:write");
    }
}
