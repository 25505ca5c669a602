package io.gatewaystack.server.mcp;

import com.nimbusds.jwt.SignedJWT;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real upstream MCP server for the federation tests: the official MCP Java SDK's Streamable HTTP server (it answers
 * POSTs as SSE streams and keeps sessions in memory) on Jetty, 127.0.0.1, an ephemeral port. Its tools report what
 * identity reached them:
 * <ul>
 *   <li>{@code whoami}: the {@code X-User-Id} header, whether an {@code X-Gateway-Identity} came, and the subject
 *       and audience of a bearer token (not verified here: the test verifies what was recorded);</li>
 *   <li>{@code add}: a strict schema ({@code a}, {@code b} integers);</li>
 *   <li>{@code boom}: an {@code isError} result; {@code slow}: sleeps 4 s.</li>
 * </ul>
 */
final class SdkUpstream implements AutoCloseable {

    /** The {@code X-Gateway-Identity} assertions received, in order. */
    final List<String> assertions = new CopyOnWriteArrayList<>();
    /** The {@code Authorization} headers received, in order. */
    final List<String> authorizations = new CopyOnWriteArrayList<>();

    private final Server jetty;
    private final McpSyncServer mcp;
    private final int port;

    SdkUpstream() throws Exception {
        McpJsonMapper json = McpJsonMapper.getDefault();
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(json)
                .mcpEndpoint("/mcp")
                .contextExtractor(request -> {
                    Map<String, Object> seen = new HashMap<>();
                    put(seen, "user", request.getHeader("X-User-Id"));
                    put(seen, "assertion", request.getHeader("X-Gateway-Identity"));
                    put(seen, "authorization", request.getHeader("Authorization"));
                    if (request.getHeader("X-Gateway-Identity") != null) {
                        assertions.add(request.getHeader("X-Gateway-Identity"));
                    }
                    if (request.getHeader("Authorization") != null) {
                        authorizations.add(request.getHeader("Authorization"));
                    }
                    return McpTransportContext.create(seen);
                })
                .build();
        String objectSchema = "{\"type\":\"object\",\"properties\":{}}";
        mcp = io.modelcontextprotocol.server.McpServer.sync(transport)
                .serverInfo("sdk-upstream", "1.0.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .tools(
                        tool(json, "whoami", "Who the upstream thinks is calling.", objectSchema, (exchange, call) -> {
                            McpTransportContext ctx = exchange.transportContext();
                            Map<String, Object> who = new HashMap<>();
                            who.put("user", String.valueOf(ctx.get("user")));
                            who.put("assertion", ctx.get("assertion") != null);
                            Object auth = ctx.get("authorization");
                            if (auth instanceof String a && a.startsWith("Bearer ")) {
                                try {
                                    var claims = SignedJWT.parse(a.substring(7)).getJWTClaimsSet();
                                    who.put("token_sub", claims.getSubject());
                                    who.put("token_aud", String.join(" ", claims.getAudience()));
                                } catch (java.text.ParseException e) {
                                    who.put("token_sub", "unparseable");
                                }
                            }
                            return McpSchema.CallToolResult.builder().addTextContent("upstream sees " + who.get("user"))
                                    .structuredContent(who).isError(false).build();
                        }),
                        tool(json, "add", "Adds two integers.", "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},"
                                + "\"b\":{\"type\":\"integer\"}},\"required\":[\"a\",\"b\"],\"additionalProperties\":false}",
                                (exchange, call) -> {
                                    long sum = ((Number) call.arguments().get("a")).longValue() + ((Number) call.arguments().get("b")).longValue();
                                    return McpSchema.CallToolResult.builder().addTextContent(String.valueOf(sum)).isError(false).build();
                                }),
                        tool(json, "boom", "Always fails.", objectSchema, (exchange, call) ->
                                McpSchema.CallToolResult.builder().addTextContent("the upstream tool failed on purpose").isError(true).build()),
                        tool(json, "slow", "Answers after 4 s.", objectSchema, (exchange, call) -> {
                            try {
                                Thread.sleep(4_000);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return McpSchema.CallToolResult.builder().addTextContent("late").isError(false).build();
                        }))
                .build();

        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        ServletHolder holder = new ServletHolder(transport);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/mcp");
        jetty.setHandler(context);
        jetty.start();
        port = connector.getLocalPort();
    }

    String url() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    private static void put(Map<String, Object> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static McpServerFeatures.SyncToolSpecification tool(McpJsonMapper json, String name, String description, String schema,
            java.util.function.BiFunction<io.modelcontextprotocol.server.McpSyncServerExchange, McpSchema.CallToolRequest,
                    McpSchema.CallToolResult> handler) {
        return McpServerFeatures.SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name(name).description(description).inputSchema(json, schema).build())
                .callHandler(handler)
                .build();
    }

    @Override
    public void close() throws Exception {
        mcp.closeGracefully();
        jetty.stop();
    }
}
