package io.gatewaystack.core;

/**
 * Where the gateway sent the request.
 *
 * @param provider the upstream's name (a provider such as {@code openai}, or {@code proxy} for the reverse proxy)
 * @param target   the concrete upstream: a model name or a base URL
 * @param alias    the name the client asked for when it was an alias, else null
 */
public record RoutingDecision(String provider, String target, String alias) {
}
