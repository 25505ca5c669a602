package io.gatewaystack.mcp;

/** Why a tool call got no answer from its backend. */
public final class ToolCallException extends RuntimeException {

    public enum Kind {
        /** The backend did not answer within the tool's timeout. */
        TIMEOUT,
        /** The connection failed (refused, reset, DNS). */
        UNREACHABLE,
        /** The backend URL is not allowed (SSRF guard). */
        BLOCKED,
        /** The backend's answer was larger than the gateway accepts. */
        TOO_LARGE,
        /** Anything else. */
        FAILED
    }

    private final Kind kind;

    public ToolCallException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
