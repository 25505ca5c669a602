package io.gatewaystack.transform.detect;

/** The check-digit algorithms the detectors and custom validators use. Digits may be separated by ' ' or '-'. */
public final class Checksums {

    private Checksums() {}

    /** Luhn (ISO/IEC 7812) over the digits in [start, end), skipping separators. */
    public static boolean luhn(CharSequence s, int start, int end) {
        int sum = 0;
        boolean dbl = false;
        int digits = 0;
        for (int i = end - 1; i >= start; i--) {
            char c = s.charAt(i);
            if (c == ' ' || c == '-') continue;
            if (c < '0' || c > '9') return false;
            int d = c - '0';
            if (dbl) {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
            dbl = !dbl;
            digits++;
        }
        return digits > 1 && sum % 10 == 0;
    }

    public static boolean luhn(CharSequence s) {
        return luhn(s, 0, s.length());
    }

    /**
     * ISO 13616 IBAN check: move the first four chars to the end, letters become 10..35, the number mod 97 must
     * be 1. Spaces are skipped; any other non-alphanumeric char fails.
     */
    public static boolean ibanMod97(CharSequence s, int start, int end) {
        int n = 0;
        int rem = 0;
        for (int pass = 0; pass < 2; pass++) {
            int skip = 0;
            for (int i = start; i < end; i++) {
                char c = s.charAt(i);
                if (c == ' ') continue;
                boolean head = skip < 4;
                skip++;
                if (head != (pass == 1)) continue;
                int v;
                if (c >= '0' && c <= '9') v = c - '0';
                else if (c >= 'A' && c <= 'Z') v = c - 'A' + 10;
                else if (c >= 'a' && c <= 'z') v = c - 'a' + 10;
                else return false;
                rem = v < 10 ? (rem * 10 + v) % 97 : (rem * 100 + v) % 97;
                n++;
            }
        }
        return n >= 5 && rem == 1;
    }

    public static boolean ibanMod97(CharSequence s) {
        return ibanMod97(s, 0, s.length());
    }

    /** ICAO 9303 check digit over [start, end): weights 7,3,1; digits as-is, A..Z = 10..35, '<' = 0. */
    public static int icaoCheckDigit(CharSequence s, int start, int end) {
        int[] weights = {7, 3, 1};
        int sum = 0;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            int v;
            if (c >= '0' && c <= '9') v = c - '0';
            else if (c >= 'A' && c <= 'Z') v = c - 'A' + 10;
            else if (c == '<') v = 0;
            else return -1;
            sum += v * weights[(i - start) % 3];
        }
        return sum % 10;
    }
}
