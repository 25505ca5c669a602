package io.gatewaystack.server.http;

import java.util.concurrent.TimeoutException;

/** How the upstream-calling routes (reverse proxy, LLM proxy, tool invoker) tell a timeout from other failures. */
public final class UpstreamFailures {

    private UpstreamFailures() {
    }

    /** Whether this throwable itself is a timeout (JDK, Netty connect, Vert.x idle/no-stack timeouts). */
    public static boolean isTimeout(Throwable t) {
        return t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout");
    }

    /** Whether the failure or any of its causes is a timeout. */
    public static boolean causedByTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (isTimeout(t)) {
                return true;
            }
        }
        return false;
    }
}
