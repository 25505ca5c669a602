package io.gatewaystack.server.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The signed identity assertion sent to backends as {@code X-Gateway-Identity}.
 *
 * @param enabled  whether to send it
 * @param issuer   its {@code iss}; null means the gateway's public URL, else "gatewaystack"
 * @param ttl      its lifetime
 * @param keyFile  a JWK file with a P-256 private key, or a JWK Set with the signing key and the other key of a
 *                 rotation (needed when several replicas must share keys); null generates a key per process
 * @param signingKid which key of a JWK Set signs; null when the file holds exactly one private key
 */
public record AssertionSettings(boolean enabled, String issuer, Duration ttl, Path keyFile, String signingKid) {
}
