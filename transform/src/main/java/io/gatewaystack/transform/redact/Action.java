package io.gatewaystack.transform.redact;

import java.util.Locale;

/** What to do with a finding of a given type. */
public enum Action {
    /** Leave the text as is; only report the finding. */
    ANNOTATE,
    /** Replace all but the first and last N code points with '*'. */
    MASK,
    /** Replace with the type in brackets, e.g. {@code [EMAIL]}. */
    PLACEHOLDER,
    /** Cut the value out. */
    REMOVE,
    /** Refuse the whole request (403 content_blocked). */
    BLOCK,
    /** Replace with a per-request placeholder such as {@code <EMAIL_1>} that the response path can restore. */
    PSEUDONYMIZE;

    /** True for the actions that change the forwarded text. */
    public boolean changesText() {
        return this == MASK || this == PLACEHOLDER || this == REMOVE || this == PSEUDONYMIZE;
    }

    /** Parses a config value such as {@code mask} or {@code pseudonymize} (also {@code pseudonymise}). */
    public static Action parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("pseudonymise")) return PSEUDONYMIZE;
        for (Action a : values()) {
            if (a.name().toLowerCase(Locale.ROOT).equals(v)) return a;
        }
        throw new IllegalArgumentException("unknown action '" + value + "' (use annotate, mask, placeholder, remove, block or pseudonymize)");
    }
}
