package io.gatewaystack.server.config;

import io.gatewaystack.identity.IdentityConfig;
import io.gatewaystack.limits.LimitsConfig;
import io.gatewaystack.limits.agent.AgentGuardConfig;
import io.gatewaystack.server.llm.LlmSettings;
import io.gatewaystack.transform.TransformConfig;
import io.gatewaystack.proxy.ProxyConfig;
import java.util.List;
import java.util.Map;

/**
 * The whole gateway configuration, read once at start from the YAML file and the environment
 * ({@link ConfigLoader}); every part is an immutable record handed to the layer that uses it.
 *
 * @param mode             demo or production ({@code DEMO_MODE})
 * @param server           listener, limits, public URL and trusted proxies
 * @param identity         the identity layer's configuration
 * @param scopesSupported  scopes advertised in the protected resource metadata ({@code OAUTH_SCOPES})
 * @param proxy            the {@code /proxy/**} route, or null when {@code PROXY_TARGET} is not set
 * @param assertion        the signed {@code X-Gateway-Identity} assertion
 * @param toolScopes       {@code TOOL_SCOPES_JSON}: tool name to required scopes
 * @param limits           rate and concurrency limits ({@code RATE_LIMIT_*}, {@code REDIS_URL}); empty when none
 * @param policy           policy files and reloading ({@code GATEWAY_POLICY_PATH})
 * @param transform        PII/secret detection and redaction on bodies the gateway reads, or null when off
 * @param llm              model providers and model routes of the LLM gateway ({@code /v1/...}); disabled when empty
 * @param audit            the tamper-evident audit trail ({@code DATABASE_URL})
 * @param mcp              the MCP and REST tool gateways ({@code TOOL_SCOPES_JSON}, {@code MCP_SESSION_KEY})
 * @param budgets          money budgets, token limits and prices ({@code limits.budgets}, {@code limits.prices})
 * @param agentGuard       caps per agent workflow and loop detection ({@code limits.agent_guard}); disabled when absent
 * @param admin            the admin console and its API ({@code /admin})
 */
public record GatewayConfig(
        Mode mode,
        ServerSettings server,
        IdentityConfig identity,
        List<String> scopesSupported,
        ProxyConfig proxy,
        AssertionSettings assertion,
        Map<String, List<String>> toolScopes,
        LimitsConfig limits,
        PolicySettings policy,
        TransformConfig transform,
        LlmSettings llm,
        AuditSettings audit,
        McpSettings mcp,
        BudgetSettings budgets,
        AgentGuardConfig agentGuard,
        AdminSettings admin) {

    public enum Mode {
        DEMO, PRODUCTION;

        public String label() {
            return this == DEMO ? "demo" : "production";
        }
    }

    /** The same configuration with other MCP settings. */
    public GatewayConfig withMcp(McpSettings newMcp) {
        return new GatewayConfig(mode, server, identity, scopesSupported, proxy, assertion, toolScopes, limits, policy,
                transform, llm, audit, newMcp, budgets, agentGuard, admin);
    }

    public GatewayConfig {
        scopesSupported = List.copyOf(scopesSupported);
        toolScopes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(toolScopes)); // keeps the file's order
    }
}
