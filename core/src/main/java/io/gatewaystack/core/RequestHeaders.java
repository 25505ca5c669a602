package io.gatewaystack.core;

/**
 * Read access to the incoming request's headers, so layers need no HTTP server types.
 * Names are case-insensitive; {@link #get} returns the first value or null.
 */
@FunctionalInterface
public interface RequestHeaders {
    String get(String name);

    RequestHeaders NONE = name -> null;
}
