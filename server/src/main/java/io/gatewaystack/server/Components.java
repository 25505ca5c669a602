package io.gatewaystack.server;

import io.gatewaystack.audit.AccessLogLayer;
import io.gatewaystack.identity.IdentityLayer;
import io.gatewaystack.identity.TokenVerifier;
import io.gatewaystack.limits.LimitsLayer;
import io.gatewaystack.limits.budget.Budgets;
import io.gatewaystack.server.limits.Pricing;
import io.gatewaystack.limits.agent.AgentGuard;
import io.gatewaystack.policy.PolicyLayer;
import io.gatewaystack.transform.TransformLayer;
import io.gatewaystack.proxy.IdentityInjection;
import io.gatewaystack.server.admin.AdminConsole;
import io.gatewaystack.server.config.GatewayConfig;
import io.gatewaystack.server.http.ErrorResponder;
import io.gatewaystack.server.llm.TargetHealth;
import io.gatewaystack.proxy.upstream.UpstreamCredentials;
import io.gatewaystack.mcp.McpSessions;
import io.gatewaystack.mcp.federation.Federation;
import io.gatewaystack.mcp.ToolFilter;
import io.gatewaystack.mcp.ToolRegistry;
import io.gatewaystack.server.http.PublicUrls;
import io.gatewaystack.core.RequestIds;
import io.gatewaystack.server.routes.DiscoveryRoutes;
import io.gatewaystack.server.routes.HealthRoutes;
import io.gatewaystack.server.routes.ProtectedRoutes;
import java.util.concurrent.Executor;

/**
 * The parts shared by every event loop: built once by {@link GatewayServer}, used by each {@link Routes}.
 * Everything here is immutable or thread-safe. Layers that are not configured are null ({@code transform}, {@code policy}, {@code limits}, {@code agentGuard}; {@code tools} is null without MCP tools, {@code federation} without upstream MCP servers; {@code admin} when the console is turned off).
 */
record Components(
        GatewayConfig config,
        TokenVerifier verifier,
        Executor blocking,
        IdentityLayer identity,
        TransformLayer transform,
        PolicyLayer policy,
        LimitsLayer limits,
        Pricing pricing,
        Budgets budgets,
        AgentGuard agentGuard,
        AccessLogLayer accessLog,
        AuditRuntime audit,
        IdentityInjection injection,
        PublicUrls publicUrls,
        ErrorResponder errors,
        RequestIds requestIds,
        TargetHealth targetHealth,
        UpstreamCredentials upstreamCredentials,
        ToolRegistry tools,
        ToolFilter toolFilter,
        McpSessions mcpSessions,
        Federation federation,
        HealthRoutes health,
        DiscoveryRoutes discovery,
        ProtectedRoutes protectedRoutes,
        AdminConsole admin) {
}
