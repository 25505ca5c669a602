package io.gatewaystack.server;

import io.gatewaystack.proxy.ProxyConfig;
import io.gatewaystack.server.config.ServerSettings;
import io.gatewaystack.proxy.llm.ApiFormat;
import io.gatewaystack.server.llm.LlmErrors;
import io.gatewaystack.server.llm.LlmProxy;
import io.gatewaystack.server.llm.Upstreams;
import io.gatewaystack.server.routes.ReverseProxy;
import io.gatewaystack.mcp.McpServer;
import io.gatewaystack.mcp.RestTools;
import io.gatewaystack.proxy.upstream.SsrfGuard;
import io.gatewaystack.proxy.upstream.UpstreamPolicy;
import io.gatewaystack.server.mcp.McpTerminal;
import io.gatewaystack.server.mcp.McpUpstreams;
import io.gatewaystack.server.mcp.VertxToolInvoker;
import java.util.Set;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's share of the gateway: its own HTTP server instance on the shared port (Vert.x spreads
 * connections across instances) and its own upstream client, so a request never leaves its event loop.
 */
final class GatewayVerticle extends VerticleBase {

    private final Components components;
    private final int port;
    private final List<HttpServer> servers;
    private HttpClient upstreamClient;
    private HttpClient llmClient;
    private HttpClient toolClient;

    GatewayVerticle(Components components, int port, List<HttpServer> servers) {
        this.components = components;
        this.port = port;
        this.servers = servers;
    }

    @Override
    public Future<?> start() {
        ServerSettings settings = components.config().server();
        ReverseProxy proxy = null;
        ProxyConfig proxyConfig = components.config().proxy();
        if (proxyConfig != null) {
            upstreamClient = vertx.httpClientBuilder()
                    .with(new HttpClientOptions()
                            .setKeepAlive(true)
                            .setKeepAliveTimeout(60)
                            .setConnectTimeout((int) proxyConfig.connectTimeout().toMillis())
                            .setDecompressionSupported(false)
                            .setMaxRedirects(0))
                    .with(new PoolOptions().setHttp1MaxSize(proxyConfig.maxConnections()))
                    .build();
            proxy = new ReverseProxy("/proxy", proxyConfig, upstreamClient, components.injection(),
                    components.errors(), components.publicUrls(), settings.maxBodyBytes());
        }
        HttpServerOptions options = new HttpServerOptions()
                .setHost(settings.host())
                .setPort(port)
                .setMaxHeaderSize(settings.maxHeaderBytes())
                .setIdleTimeout((int) settings.idleTimeout().toSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setCompressionSupported(false)
                .setDecompressionSupported(false)
                .setTcpNoDelay(true);
        LlmProxy chat = null;
        LlmProxy messages = null;
        LlmProxy embeddings = null;
        LlmProxy responses = null;
        if (components.config().llm().enabled()) {
            llmClient = vertx.httpClientBuilder()
                    // connections go to pinned (checked) addresses: SNI and certificate checks must use the name
                    .with(new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(60).setMaxRedirects(0)
                            .setDecompressionSupported(true).setForceSni(true).setVerifyHost(true))
                    // a stream holds its connection for minutes: the pool bounds concurrent streams per provider
                    .with(new PoolOptions().setHttp1MaxSize(components.config().llm().maxConnections()))
                    .build();
            Upstreams upstreams = new Upstreams(llmClient, components.blocking(), components.upstreamCredentials());
            chat = new LlmProxy(ApiFormat.OPENAI_CHAT, components.config().llm(), upstreams, components.targetHealth(),
                    LlmErrors.shaped(components.errors(), ApiFormat.OPENAI_CHAT), vertx);
            messages = new LlmProxy(ApiFormat.ANTHROPIC_MESSAGES, components.config().llm(), upstreams,
                    components.targetHealth(), LlmErrors.shaped(components.errors(), ApiFormat.ANTHROPIC_MESSAGES), vertx);
            embeddings = new LlmProxy(LlmProxy.Operation.EMBEDDINGS, ApiFormat.OPENAI_CHAT, components.config().llm(),
                    upstreams, components.targetHealth(), LlmErrors.shaped(components.errors(), ApiFormat.OPENAI_CHAT), vertx);
            responses = new LlmProxy(LlmProxy.Operation.RESPONSES, ApiFormat.OPENAI_CHAT, components.config().llm(),
                    upstreams, components.targetHealth(), LlmErrors.shaped(components.errors(), ApiFormat.OPENAI_CHAT), vertx);
        }
        Routes.ToolRoutes tools = null;
        if (components.tools() != null) {
            var mcp = components.config().mcp();
            toolClient = vertx.httpClientBuilder()
                    .with(new HttpClientOptions().setKeepAlive(true).setMaxRedirects(0).setForceSni(true))
                    .with(new PoolOptions().setHttp1MaxSize(256))
                    .build();
            SsrfGuard guard = new SsrfGuard(new UpstreamPolicy(Set.of("http", "https"), Set.of(), mcp.allowPrivateBackends()));
            VertxToolInvoker invoker = new VertxToolInvoker(vertx, toolClient,
                    VertxToolInvoker.headersOf(components.injection()), guard, components.blocking(), (int) Math.min(Integer.MAX_VALUE, mcp.maxResponseBytes()));
            McpServer mcpServer = new McpServer(components.tools(), components.toolFilter(), invoker, components.mcpSessions(),
                    new McpServer.Settings("gatewaystack", GatewayServer.version(), null, mcp.pageSize(), true,
                            mcp.allowedOrigins()),
                    components.federation(), McpUpstreams.transport(mcp, invoker, components.upstreamCredentials()));
            boolean exchangesTokens = mcp.upstreams().stream().anyMatch(u -> u.exchange() != null);
            tools = new Routes.ToolRoutes(new McpTerminal(mcpServer, exchangesTokens), new RestTools(invoker));
        }
        HttpServer server = vertx.createHttpServer(options)
                .requestHandler(new Routes(components).build(vertx, proxy, chat, messages, embeddings, responses, tools));
        return server.listen().onSuccess(servers::add);
    }

    @Override
    public Future<?> stop() {
        return Future.join(upstreamClient == null ? Future.succeededFuture() : upstreamClient.close(),
                llmClient == null ? Future.succeededFuture() : llmClient.close(),
                toolClient == null ? Future.succeededFuture() : toolClient.close());
    }
}
