package io.gatewaystack.transform.json;

/**
 * For scanning JSON text as it is written (a tool call's arguments, a JSON document inside a string): the text with
 * each escape sequence ({@code \n}, {@code \"}, {@code \\}, {@code \u00e9}) replaced by as many spaces, so offsets
 * stay those of the original. Without it a detector reads {@code \nbob@example.com} as the address
 * {@code nbob@example.com} (a placeholder there would leave {@code \} dangling and break the JSON) and misses
 * {@code \nAKIA...} (no word starts at the key).
 */
public final class JsonEscapes {

    private JsonEscapes() {}

    /** {@code json} with its escape sequences blanked, same length; the same instance when it has none. */
    public static String blank(String json) {
        int first = json.indexOf('\\');
        if (first < 0) return json;
        char[] out = json.toCharArray();
        int n = out.length;
        for (int i = first; i < n; i++) {
            if (out[i] != '\\') continue;
            int end = Math.min(n, i + (i + 1 < n && out[i + 1] == 'u' ? 6 : 2));
            for (int k = i; k < end; k++) out[k] = ' ';
            i = end - 1;
        }
        return new String(out);
    }
}
