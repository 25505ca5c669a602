package io.gatewaystack.server.mcp;

import io.gatewaystack.mcp.federation.Federation;
import io.gatewaystack.mcp.federation.UpstreamServer;
import io.gatewaystack.mcp.federation.UpstreamTransport;
import io.gatewaystack.proxy.upstream.UpstreamAuth;
import io.gatewaystack.proxy.upstream.UpstreamCredentials;
import io.gatewaystack.server.config.McpSettings;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds the federation of upstream MCP servers from the configuration ({@code mcp.upstreams}). */
public final class McpUpstreams {

    /** Most (upstream, user) sessions and tool lists kept in memory per process. */
    public static final int MAX_USER_STATES = 10_000;

    private McpUpstreams() {
    }

    /** The shared federation state, or null without upstreams. */
    public static Federation federation(McpSettings settings, String gatewayVersion) {
        if (settings.upstreams().isEmpty()) {
            return null;
        }
        List<UpstreamServer> servers = settings.upstreams().stream().map(McpSettings.Upstream::server).toList();
        return new Federation(servers, Clock.systemUTC(), gatewayVersion, MAX_USER_STATES);
    }

    /** One event loop's way to the upstreams (its tool invoker's client), or null without upstreams. */
    public static UpstreamTransport transport(McpSettings settings, VertxToolInvoker invoker, UpstreamCredentials credentials) {
        if (settings.upstreams().isEmpty()) {
            return null;
        }
        Map<String, UpstreamAuth.UserOAuth> exchanges = new HashMap<>();
        for (McpSettings.Upstream u : settings.upstreams()) {
            if (u.exchange() != null) {
                exchanges.put(u.server().name(), u.exchange());
            }
        }
        return new VertxUpstreamTransport(invoker, credentials, exchanges);
    }
}
