package io.gatewaystack.proxy.upstream;

/**
 * An upstream URL or address refused by the {@link SsrfGuard}. The {@link #reason()} is safe to log and to show to an
 * operator: it names the offending scheme, host or address class, never the URL's path, query or credentials.
 */
public final class UpstreamBlockedException extends RuntimeException {

    private final String reason;

    public UpstreamBlockedException(String reason) {
        super("upstream blocked: " + reason);
        this.reason = reason;
    }

    /** Why the upstream was refused, e.g. {@code "address 127.0.0.1 of host localhost is loopback"}. */
    public String reason() {
        return reason;
    }
}
