package io.gatewaystack.core;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request ids: the client's {@code X-Request-Id} when it is well formed (so a caller can correlate), else a new
 * one. New ids are a random per-process prefix plus a counter: unique across replicas, and far cheaper than a
 * random UUID per request. Shared by the gateway and the servlet filter, so ids look the same wherever a layer runs.
 */
public final class RequestIds {

    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    public RequestIds() {
        SecureRandom random = new SecureRandom();
        this.prefix = "gw-" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + "-";
    }

    /** The id to use for a request that sent {@code clientValue} (null when absent). */
    public String idFor(String clientValue) {
        if (clientValue != null && isWellFormed(clientValue)) {
            return clientValue;
        }
        return prefix + Long.toString(counter.incrementAndGet(), 36);
    }

    /** 1 to 128 characters of letters, digits and {@code . _ : -}: safe in logs and headers. */
    public static boolean isWellFormed(String id) {
        int n = id.length();
        if (n == 0 || n > 128) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '_' || c == '.' || c == ':';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
