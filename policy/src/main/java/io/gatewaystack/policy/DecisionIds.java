package io.gatewaystack.policy;

import java.util.concurrent.ThreadLocalRandom;

/** Decision ids: {@code pd_} and 24 random hex digits; cheap (no SecureRandom on the hot path) and unique enough to look up. */
final class DecisionIds {

    private DecisionIds() {}

    static String next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String hi = Long.toHexString(r.nextLong() & 0xffffffffffffL | 0x1000000000000L).substring(1);
        String lo = Long.toHexString(r.nextLong() & 0xffffffffffffL | 0x1000000000000L).substring(1);
        return "pd_" + hi + lo;
    }
}
