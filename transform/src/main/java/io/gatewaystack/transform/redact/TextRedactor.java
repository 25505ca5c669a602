package io.gatewaystack.transform.redact;

import io.gatewaystack.transform.detect.Finding;
import java.util.List;
import java.util.Locale;

/** Applies an {@link ActionPolicy} to one text and its (non-overlapping, sorted) findings. */
public final class TextRedactor {

    private TextRedactor() {}

    /**
     * The text after the actions; the same instance when no action changes it.
     *
     * @param pseudonyms the request's mapping, used for {@link Action#PSEUDONYMIZE}
     */
    public static String apply(String text, List<Finding> findings, ActionPolicy policy, Pseudonyms pseudonyms) {
        StringBuilder out = null;
        int copied = 0;
        for (Finding f : findings) {
            Action action = policy.actionFor(f.type());
            if (!action.changesText()) continue;
            if (out == null) out = new StringBuilder(text.length());
            out.append(text, copied, f.start());
            out.append(replacement(action, f.type(), text.substring(f.start(), f.end()), policy.maskKeep(), pseudonyms));
            copied = f.end();
        }
        if (out == null) return text;
        out.append(text, copied, text.length());
        return out.toString();
    }

    /**
     * What a value of {@code type} becomes under {@code action}.
     *
     * @param pseudonyms the request's mapping; only used for {@link Action#PSEUDONYMIZE} (may be null otherwise)
     */
    public static String replacement(Action action, String type, String value, int maskKeep, Pseudonyms pseudonyms) {
        return switch (action) {
            case MASK -> mask(value, maskKeep);
            case PLACEHOLDER -> "[" + type.toUpperCase(Locale.ROOT) + "]";
            case REMOVE -> "";
            case PSEUDONYMIZE -> pseudonyms.placeholderFor(type, value);
            default -> value;
        };
    }

    /** Keeps {@code keep} code points at each end and stars the rest; short values are starred entirely. */
    static String mask(String value, int keep) {
        int codePoints = value.codePointCount(0, value.length());
        if (codePoints <= 2 * keep) return "*".repeat(codePoints);
        int headEnd = value.offsetByCodePoints(0, keep);
        int tailStart = value.offsetByCodePoints(value.length(), -keep);
        return value.substring(0, headEnd) + "*".repeat(codePoints - 2 * keep) + value.substring(tailStart);
    }
}
