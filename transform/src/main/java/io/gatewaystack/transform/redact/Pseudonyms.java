package io.gatewaystack.transform.redact;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The reversible mapping of one request: each distinct (type, value) gets a stable placeholder
 * {@code <TYPE_n>} ({@code <EMAIL_1>}, {@code <EMAIL_2>}, {@code <CREDIT_CARD_1>}), so the model can still tell
 * two people apart. It lives only as long as the request (in the request context), is never logged, and
 * {@link #toString()} shows only the entry count. Not thread-safe (one request, one thread at a time).
 */
public final class Pseudonyms {

    private final Map<String, String> placeholderByKey = new HashMap<>();
    private final Map<String, String> originalByPlaceholder = new HashMap<>();
    private final Map<String, Integer> countByType = new HashMap<>();

    /** The placeholder for this value, the same one every time the value appears in the request. */
    public String placeholderFor(String type, String value) {
        String key = type + '\u0000' + value;
        String existing = placeholderByKey.get(key);
        if (existing != null) return existing;
        int n = countByType.merge(type, 1, Integer::sum);
        String placeholder = "<" + type.toUpperCase(Locale.ROOT) + "_" + n + ">";
        placeholderByKey.put(key, placeholder);
        originalByPlaceholder.put(placeholder, value);
        return placeholder;
    }

    /** The original value of a placeholder made by this instance, or null. */
    public String originalOf(String placeholder) {
        return originalByPlaceholder.get(placeholder);
    }

    public int size() {
        return originalByPlaceholder.size();
    }

    public boolean isEmpty() {
        return originalByPlaceholder.isEmpty();
    }

    /** Restores every known placeholder in a complete text. */
    public String restore(String text) {
        PlaceholderRestorer r = restorer();
        return r.push(text) + r.finish();
    }

    /** A restorer for a response streamed as plain text, chunk by chunk. */
    public PlaceholderRestorer restorer() {
        return new PlaceholderRestorer(this, false);
    }

    /**
     * A restorer for chunks of JSON text (e.g. the raw bytes of a JSON response or SSE data lines): placeholders
     * appear inside JSON strings, so restored values are JSON-escaped.
     */
    public PlaceholderRestorer jsonRestorer() {
        return new PlaceholderRestorer(this, true);
    }

    @Override
    public String toString() {
        return "Pseudonyms[" + size() + " entries]";
    }
}
