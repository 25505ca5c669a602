package io.gatewaystack.limits;

/** Where the counters live. */
public enum StoreKind {
    /** This process only: exact for one gateway instance, each replica counts on its own. */
    MEMORY,
    /** One Redis shared by every replica: exact across replicas (one atomic Lua script per request). */
    REDIS
}
