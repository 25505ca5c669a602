package io.gatewaystack.transform.detect;

import java.util.List;

/**
 * Payment card numbers: 13-19 digits, optionally grouped by single spaces or dashes, with a known brand prefix and
 * length, and a valid Luhn check digit.
 *
 * <p>Brands: Visa (4; 13, 16, 19), Mastercard (51-55 and the 2-series 2221-2720; 16), Amex (34, 37; 15),
 * Discover (6011, 644-649, 65; 16-19), Diners (300-305, 36, 38, 39; 14-19), JCB (3528-3589; 16-19),
 * UnionPay (62; 16-19).
 */
public final class PaymentCardDetector implements Detector {

    public static final String TYPE = "credit_card";

    @Override public List<String> types() { return List.of(TYPE); }
    @Override public Trigger trigger() { return Trigger.NUMBER_START; }

    @Override
    public void detectAt(String text, int pos, ScanState state, List<Finding> out) {
        if (!Chars.isDigit(text.charAt(pos))) return;
        long prefix = 0;
        int digits = 0;
        int i = pos;
        int lastDigitEnd = pos;
        char sep = 0;
        int n = text.length();
        while (i < n && digits < 20) {
            char c = text.charAt(i);
            if (Chars.isDigit(c)) {
                if (digits < 6) prefix = prefix * 10 + (c - '0');
                digits++;
                i++;
                lastDigitEnd = i;
            } else if ((c == ' ' || c == '-') && i + 1 < n && Chars.isDigit(text.charAt(i + 1)) && (sep == 0 || sep == c)) {
                sep = c;
                i++;
            } else {
                break;
            }
        }
        if (digits < 13 || digits > 19) return;
        if (lastDigitEnd < n && (Chars.isWord(text.charAt(lastDigitEnd)))) return;
        int six = (int) (digits >= 6 ? prefix : 0);
        if (!brandAccepts(six, digits)) return;
        if (!Checksums.luhn(text, pos, lastDigitEnd)) return;
        out.add(new Finding(TYPE, pos, lastDigitEnd, 0.9));
    }

    /** Whether a known brand issues numbers of this length starting with these six digits. */
    static boolean brandAccepts(int six, int length) {
        int one = six / 100000, two = six / 10000, three = six / 1000, four = six / 100;
        if (one == 4) return length == 13 || length == 16 || length == 19;
        if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return length == 16;
        if (two == 34 || two == 37) return length == 15;
        if (four == 6011 || (three >= 644 && three <= 649) || two == 65) return length >= 16 && length <= 19;
        if ((three >= 300 && three <= 305) || two == 36 || two == 38 || two == 39) return length >= 14 && length <= 19;
        if (four >= 3528 && four <= 3589) return length >= 16 && length <= 19;
        if (two == 62) return length >= 16 && length <= 19;
        return false;
    }
}
