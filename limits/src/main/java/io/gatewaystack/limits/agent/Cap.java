package io.gatewaystack.limits.agent;

import java.util.Locale;

/** Which workflow cap refused a call; {@link #label()} is the {@code cap} detail of the 429. */
public enum Cap {
    /** The workflow made its maximum number of calls. */
    CALLS,
    /** The workflow ran longer than its maximum duration since its first call. */
    DURATION,
    /** The workflow's accumulated cost reached its cap (checked before each call). */
    COST,
    /** The same tool with the same arguments was called too often within the loop window. */
    LOOP;

    /** {@code calls}, {@code duration}, {@code cost} or {@code loop}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
