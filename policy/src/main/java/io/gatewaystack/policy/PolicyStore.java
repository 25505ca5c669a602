package io.gatewaystack.policy;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the live policy set and, optionally, a shadow candidate. Each is swapped atomically as a whole (hot reload);
 * a decision reads each reference once, so it uses one consistent set.
 */
public final class PolicyStore {

    private final AtomicReference<PolicySet> live = new AtomicReference<>();
    private final AtomicReference<PolicySet> candidate = new AtomicReference<>();

    public PolicyStore() {}

    public PolicyStore(PolicySet live) {
        this.live.set(live);
    }

    /** The set in force, or null when none has loaded yet. */
    public PolicySet live() {
        return live.get();
    }

    public void live(PolicySet set) {
        live.set(set);
    }

    /** The shadow candidate, or null when shadow mode is off. */
    public PolicySet candidate() {
        return candidate.get();
    }

    /** Sets (or with null, clears) the shadow candidate. */
    public void candidate(PolicySet set) {
        candidate.set(set);
    }
}
