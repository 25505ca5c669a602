package io.gatewaystack.policy;

import java.time.Clock;
import java.util.Objects;

/**
 * How the policy layer behaves.
 *
 * @param required       true when a policy was configured: no loaded policy then means 503 (fail closed);
 *                       false lets requests through undecided while no policy is configured at all
 * @param clock          the clock for time-of-day conditions (inject a fixed one in tests)
 * @param shadowListener receives shadow-mode disagreements
 */
public record PolicyLayerConfig(boolean required, Clock clock, ShadowListener shadowListener) {

    public PolicyLayerConfig {
        Objects.requireNonNull(clock, "clock");
        shadowListener = shadowListener == null ? ShadowListener.NONE : shadowListener;
    }

    /** Required policy, the system clock, no shadow listener. */
    public static PolicyLayerConfig defaults() {
        return new PolicyLayerConfig(true, Clock.systemUTC(), ShadowListener.NONE);
    }
}
