package io.gatewaystack.limits;

/**
 * One dimension a rate limit rule can be keyed on. Every value comes from the verified {@link
 * io.gatewaystack.core.Identity} or from the route the server matched, never from a client-supplied header, so a
 * client cannot pick its own bucket (the seed keyed on the first {@code X-Forwarded-For} entry; nothing here does).
 */
public enum KeyPart {
    /** The token's {@code sub}. */
    USER("u"),
    /** The identity's organisation. */
    ORG("o"),
    /** The identity's tenant. */
    TENANT("t"),
    /** The OAuth client that obtained the token ({@code azp}/{@code client_id}). */
    CLIENT("c"),
    /** The gateway route that matched. */
    ROUTE("r"),
    /** The model or tool asked for (its kind is part of the key, so a tool and a model of one name differ). */
    RESOURCE("m");

    private final String tag;

    KeyPart(String tag) {
        this.tag = tag;
    }

    /** The short tag written into store keys, e.g. {@code u} in {@code per-user|u=alice}. */
    public String tag() {
        return tag;
    }
}
