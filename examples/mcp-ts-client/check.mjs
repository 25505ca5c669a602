// Interop check: the official MCP TypeScript SDK client against the GatewayStack MCP gateway.
// Usage: node check.mjs <gateway /mcp URL> <access token>
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, token] = process.argv.slice(2);
const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${token}` } },
});
const client = new Client({ name: "ts-sdk-check", version: "1.0.0" });
await client.connect(transport);
console.log("protocol:", transport.protocolVersion ?? "(not exposed)", "server:", JSON.stringify(client.getServerVersion()));
const tools = await client.listTools();
console.log("tools:", tools.tools.map((t) => t.name).join(", "));
const who = await client.callTool({ name: "whoami", arguments: {} });
console.log("whoami:", who.isError, who.content[0].text);
const echo = await client.callTool({ name: "echo", arguments: { message: "hi from the TypeScript SDK" } });
console.log("echo:", echo.isError, echo.content[0].text);
const invalid = await client.callTool({ name: "echo", arguments: { nope: 1 } });
console.log("invalid arguments:", invalid.isError, invalid.content[0].text);
await client.close();
