package io.gatewaystack.transform.detect;

import java.util.List;

/**
 * Passport numbers, but only where a checksum makes them recognisable: the second line of an ICAO 9303 TD3
 * machine-readable zone (44 chars of A-Z, 0-9 and '<'), accepted only when the document-number, birth-date,
 * expiry-date, personal-number and composite check digits are all correct. Free-text passport numbers have no
 * check digit in most countries and are not reported (too many false positives).
 */
public final class PassportMrzDetector implements Detector {

    public static final String TYPE = "passport_mrz";
    private static final int LENGTH = 44;

    @Override public List<String> types() { return List.of(TYPE); }
    @Override public Trigger trigger() { return Trigger.WORD_START; }
    @Override public boolean canStartWith(char c) { return Chars.isUpper(c) || Chars.isDigit(c); }

    @Override
    public void detectAt(String text, int pos, ScanState state, List<Finding> out) {
        int end = pos + LENGTH;
        if (end > text.length()) return;
        for (int i = pos; i < end; i++) {
            char c = text.charAt(i);
            if (!(Chars.isUpper(c) || Chars.isDigit(c) || c == '<')) return;
        }
        if (end < text.length() && (Chars.isWord(text.charAt(end)) || text.charAt(end) == '<')) return;
        if (!check(text, pos, 0, 9, 9) || !check(text, pos, 13, 19, 19) || !check(text, pos, 21, 27, 27)) return;
        char personalCheck = text.charAt(pos + 42);
        if (!(personalCheck == '<' && Checksums.icaoCheckDigit(text, pos + 28, pos + 42) == 0) && !check(text, pos, 28, 42, 42)) return;
        // composite: document number + check, birth date + check, expiry + check + personal number + check
        int sum = 0;
        int[] weights = {7, 3, 1};
        int k = 0;
        int[][] ranges = {{0, 10}, {13, 20}, {21, 43}};
        for (int[] r : ranges) {
            for (int i = pos + r[0]; i < pos + r[1]; i++) {
                char c = text.charAt(i);
                int v = Chars.isDigit(c) ? c - '0' : c == '<' ? 0 : c - 'A' + 10;
                sum += v * weights[k++ % 3];
            }
        }
        char composite = text.charAt(pos + 43);
        if (!Chars.isDigit(composite) || sum % 10 != composite - '0') return;
        out.add(new Finding(TYPE, pos, end, 0.95));
    }

    private static boolean check(String text, int pos, int from, int to, int checkAt) {
        char c = text.charAt(pos + checkAt);
        return Chars.isDigit(c) && Checksums.icaoCheckDigit(text, pos + from, pos + to) == c - '0';
    }
}
