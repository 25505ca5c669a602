package io.gatewaystack.core;

/**
 * What the request asks for, in the terms policy and limits speak: a plain route, a model or a tool.
 *
 * @param kind the kind of resource
 * @param name the route name, model name or tool name
 */
public record ResourceRequest(Kind kind, String name) {
    public enum Kind { ROUTE, MODEL, TOOL }

    public static ResourceRequest route(String name) {
        return new ResourceRequest(Kind.ROUTE, name);
    }
}
