package io.gatewaystack.transform.detect;

import java.util.List;

/**
 * Secrets given as assignments: {@code name = value}, {@code name: value}, {@code "name": "value"}. The finding
 * covers the value only, so a redacted text still says which setting it was.
 *
 * <ul>
 *   <li>{@code aws_secret_access_key} (and names containing {@code aws_secret}) with a 40-char base64 value:
 *       {@code aws_secret_key}.</li>
 *   <li>Azure storage {@code AccountKey=} / {@code SharedAccessKey=} (as in connection strings) with a base64
 *       value of 40+ chars: {@code azure_storage_key}.</li>
 *   <li>Any name ending in password, passwd, pwd, secret, token, key, apikey, credential(s) or auth (as a whole
 *       name, after '_', '.' or '-', or as a camel-case part like {@code apiKey}) with a value of 8+ chars whose
 *       Shannon entropy is at least {@value #MIN_ENTROPY} bits per char: {@code generic_secret}. Values that are
 *       references rather than secrets ({@code ${VAR}}, {@code <...>}, {@code {{...}}}, {@code %VAR%}) are skipped.</li>
 * </ul>
 */
public final class SecretAssignmentDetector implements Detector {

    public static final String GENERIC = "generic_secret";
    public static final String AWS_SECRET = "aws_secret_key";
    public static final String AZURE_KEY = "azure_storage_key";
    public static final double MIN_ENTROPY = 3.0;
    private static final String[] SUFFIXES = {"password", "passwd", "pwd", "secret", "token", "key", "apikey",
            "credential", "credentials", "auth"};
    private static final int MAX_NAME = 64;
    private static final int MAX_VALUE = 512;

    @Override public List<String> types() { return List.of(GENERIC, AWS_SECRET, AZURE_KEY); }
    @Override public Trigger trigger() { return Trigger.ASSIGNMENT; }

    @Override
    public void detectAt(String text, int opAt, ScanState state, List<Finding> out) {
        int n = text.length();
        // Triggered at the '=' or ':'; prose has few of them, so this is cheaper than trying every word.
        int nameEnd = opAt;
        while (nameEnd > 0 && opAt - nameEnd < 4 && text.charAt(nameEnd - 1) == ' ') nameEnd--;
        if (nameEnd > 0 && (text.charAt(nameEnd - 1) == '"' || text.charAt(nameEnd - 1) == '\'')) nameEnd--;
        int pos = nameEnd;
        while (pos > 0 && nameEnd - pos < MAX_NAME && isNameChar(text.charAt(pos - 1))) pos--;
        while (pos < nameEnd && (text.charAt(pos) == '.' || text.charAt(pos) == '-')) pos++;
        if (pos == nameEnd || (pos > 0 && isNameChar(text.charAt(pos - 1)))) return;
        int i = opAt;
        if (i > 0 && text.charAt(i - 1) == ':' ) return; // the second char of "::" or ":=" was handled at the first
        int kind = kind(text, pos, nameEnd);
        if (kind < 0) return;
        i++;
        if (i < n && (text.charAt(i) == '=' || text.charAt(i) == '>')) i++;
        while (i < n && i - nameEnd < 8 && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) i++;
        if (i >= n) return;
        char quote = text.charAt(i);
        int valueStart;
        int valueEnd;
        if (quote == '"' || quote == '\'') {
            valueStart = i + 1;
            valueEnd = valueStart;
            int vlimit = Math.min(n, valueStart + MAX_VALUE);
            while (valueEnd < vlimit && text.charAt(valueEnd) != quote && text.charAt(valueEnd) != '\n') valueEnd++;
            if (valueEnd >= n || text.charAt(valueEnd) != quote) return;
        } else {
            valueStart = i;
            valueEnd = i;
            int vlimit = Math.min(n, valueStart + MAX_VALUE);
            while (valueEnd < vlimit && isBareValueChar(text.charAt(valueEnd))) valueEnd++;
            // a sentence's full stop or comma is not part of the value
            while (valueEnd > valueStart && (text.charAt(valueEnd - 1) == '.' || text.charAt(valueEnd - 1) == ',')) valueEnd--;
        }
        int len = valueEnd - valueStart;
        if (len < 8) return;
        char first = text.charAt(valueStart);
        if (first == '$' || first == '<' || first == '{' || first == '%') return;
        switch (kind) {
            case 0 -> {
                if (len == 40 && allBase64(text, valueStart, valueEnd)) out.add(new Finding(AWS_SECRET, valueStart, valueEnd, 0.9));
                else generic(text, valueStart, valueEnd, out);
            }
            case 1 -> {
                if (len >= 40 && allBase64(text, valueStart, valueEnd)) out.add(new Finding(AZURE_KEY, valueStart, valueEnd, 0.9));
                else generic(text, valueStart, valueEnd, out);
            }
            default -> generic(text, valueStart, valueEnd, out);
        }
    }

    private static void generic(String text, int start, int end, List<Finding> out) {
        if (Chars.entropy(text, start, end) >= MIN_ENTROPY) out.add(new Finding(GENERIC, start, end, 0.6));
    }

    /** 0 = AWS secret, 1 = Azure key, 2 = generic secret name, -1 = not a secret's name. */
    private static int kind(String text, int start, int end) {
        if (containsIgnoreCase(text, start, end, "aws_secret") || matchesWhole(text, start, end, "secret_access_key")) return 0;
        if (matchesWhole(text, start, end, "accountkey") || matchesWhole(text, start, end, "sharedaccesskey")) return 1;
        for (String suffix : SUFFIXES) {
            int from = end - suffix.length();
            if (from < start || !text.regionMatches(true, from, suffix, 0, suffix.length())) continue;
            if (from == start) return 2;
            char before = text.charAt(from - 1);
            if (before == '_' || before == '.' || before == '-') return 2;
            if (Character.isLowerCase(before) && Character.isUpperCase(text.charAt(from))) return 2;
        }
        return -1;
    }

    private static boolean matchesWhole(String text, int start, int end, String name) {
        return end - start == name.length() && text.regionMatches(true, start, name, 0, name.length());
    }

    private static boolean containsIgnoreCase(String text, int start, int end, String needle) {
        for (int i = start; i + needle.length() <= end; i++) {
            if (text.regionMatches(true, i, needle, 0, needle.length())) return true;
        }
        return false;
    }

    private static boolean isNameChar(char c) {
        return Chars.isAsciiAlnum(c) || c == '_' || c == '.' || c == '-';
    }

    private static boolean isBareValueChar(char c) {
        return c > ' ' && c != '"' && c != '\'' && c != ';' && c != '&' && c != ',' && c < 127;
    }

    private static boolean allBase64(String text, int start, int end) {
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (!(Chars.isAsciiAlnum(c) || c == '+' || c == '/' || c == '=')) return false;
        }
        return true;
    }
}
