package io.gatewaystack.mcp;

import java.util.List;

/**
 * The MCP protocol revisions this gateway speaks, and what differs between them that the gateway cares about.
 *
 * <ul>
 *   <li>2025-03-26: Streamable HTTP; JSON-RPC batches allowed; no {@code MCP-Protocol-Version} header yet.</li>
 *   <li>2025-06-18: batches removed; the client sends {@code MCP-Protocol-Version} on every request after
 *       initialization; tools get {@code title} and {@code structuredContent}.</li>
 *   <li>2025-11-25: tool input validation errors are tool execution errors ({@code isError:true}), not -32602.</li>
 * </ul>
 */
public final class ProtocolVersions {

    public static final String V2025_03_26 = "2025-03-26";
    public static final String V2025_06_18 = "2025-06-18";
    public static final String V2025_11_25 = "2025-11-25";

    /** Newest first. */
    public static final List<String> SUPPORTED = List.of(V2025_11_25, V2025_06_18, V2025_03_26);

    /** What a server assumes when a request carries no version header and nothing else tells (spec, 2025-06-18). */
    public static final String DEFAULT_WITHOUT_HEADER = V2025_03_26;

    private ProtocolVersions() {
    }

    public static String newest() {
        return SUPPORTED.getFirst();
    }

    public static boolean isSupported(String version) {
        return version != null && SUPPORTED.contains(version);
    }

    /** The version to answer {@code initialize} with: the client's when supported, else the newest. */
    public static String negotiate(String requested) {
        return isSupported(requested) ? requested : newest();
    }

    /** JSON-RPC batches are part of 2025-03-26 only. */
    public static boolean allowsBatches(String version) {
        return V2025_03_26.equals(version);
    }

    /** From 2025-11-25 on, invalid tool arguments are reported as a tool execution error (SEP-1303). */
    public static boolean inputErrorsAsToolErrors(String version) {
        return version != null && version.compareTo(V2025_11_25) >= 0;
    }
}
