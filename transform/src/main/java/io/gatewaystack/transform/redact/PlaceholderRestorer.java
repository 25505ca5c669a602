package io.gatewaystack.transform.redact;

/**
 * Puts original values back into a response that arrives in chunks. It emits everything it can at once and holds
 * back only a tail that could still become a placeholder ({@code "<EMA"} at a chunk end), so
 * {@code push("Hi <EMA")} + {@code push("IL_1>!")} yields {@code "Hi "} then {@code "alice@example.com!"}.
 * Unknown placeholders and ordinary '<' text pass through unchanged. One instance per response; not thread-safe.
 */
public final class PlaceholderRestorer {

    /** Longer than any placeholder: a '<' run longer than this is plain text, so the hold-back is bounded. */
    private static final int MAX_PLACEHOLDER = 80;

    private final Pseudonyms pseudonyms;
    private final boolean jsonEscape;
    private final StringBuilder pending = new StringBuilder();

    PlaceholderRestorer(Pseudonyms pseudonyms, boolean jsonEscape) {
        this.pseudonyms = pseudonyms;
        this.jsonEscape = jsonEscape;
    }

    /** Adds a chunk; returns the text that can be sent now (possibly empty). */
    public String push(CharSequence chunk) {
        pending.append(chunk);
        StringBuilder out = new StringBuilder(pending.length() + 16);
        int n = pending.length();
        int i = 0;
        while (i < n) {
            char c = pending.charAt(i);
            if (c != '<') {
                out.append(c);
                i++;
                continue;
            }
            int j = i + 1;
            while (j < n && j - i < MAX_PLACEHOLDER && isPlaceholderChar(pending.charAt(j))) j++;
            if (j == n && j - i < MAX_PLACEHOLDER) {
                break; // maybe the start of a placeholder: wait for the next chunk
            }
            if (j < n && pending.charAt(j) == '>') {
                String original = pseudonyms.originalOf(pending.substring(i, j + 1));
                if (original != null) {
                    appendValue(out, original);
                    i = j + 1;
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        pending.delete(0, i);
        return out.toString();
    }

    /** The end of the stream: returns what was held back (it can no longer become a placeholder). */
    public String finish() {
        String rest = pending.toString();
        pending.setLength(0);
        return rest;
    }

    private void appendValue(StringBuilder out, String value) {
        if (!jsonEscape) {
            out.append(value);
            return;
        }
        for (int k = 0; k < value.length(); k++) {
            char c = value.charAt(k);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
    }

    private static boolean isPlaceholderChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
}
