package io.gatewaystack.server.config;

import java.net.URI;
import java.time.Duration;

/**
 * The HTTP listener and the limits a public gateway needs.
 *
 * @param host              interface to bind
 * @param port              port to bind ({@code PORT}); 0 picks a free one
 * @param maxBodyBytes      larger request bodies get 413 {@code payload_too_large}
 * @param maxHeaderBytes    larger request headers are refused (431)
 * @param idleTimeout       a connection silent this long is closed
 * @param shutdownGrace     on SIGTERM, how long in-flight requests may take to finish
 * @param publicUrl         the gateway's external base URL for absolute URLs (metadata, challenges), or null to
 *                          derive it from the request
 * @param trustedProxies    clients whose {@code X-Forwarded-*} headers are believed
 * @param eventLoops        event-loop threads (and server instances)
 */
public record ServerSettings(
        String host,
        int port,
        long maxBodyBytes,
        int maxHeaderBytes,
        Duration idleTimeout,
        Duration shutdownGrace,
        URI publicUrl,
        TrustedProxies trustedProxies,
        int eventLoops) {
}
