package io.gatewaystack.server.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The signed identity assertion sent to backends as {@code X-Gateway-Identity}.
 *
 * @param enabled  whether to send it
 * @param issuer   its {@code iss}; null means the gateway's public URL, else "gatewaystack"
 * @param ttl      its lifetime
 * @param keyFile  a JWK file with a P-256 private key (needed when several replicas must share one key); null
 *                 generates a key per process
 */
public record AssertionSettings(boolean enabled, String issuer, Duration ttl, Path keyFile) {
}
