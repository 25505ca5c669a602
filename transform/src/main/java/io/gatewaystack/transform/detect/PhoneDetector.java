package io.gatewaystack.transform.detect;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.List;

/**
 * Phone numbers, validated by libphonenumber: international ({@code +44 20 7946 0958}, E.164) for any country, and
 * national formats ({@code (415) 555-2671}, {@code 030 12345678}) for the configured default region. The scanner
 * only cuts a candidate (7-15 digits with common separators); libphonenumber decides whether it is a number that
 * can be assigned in that country. Bare digit runs shorter than 10 digits without a separator are skipped (order
 * numbers).
 */
public final class PhoneDetector implements Detector {

    public static final String TYPE = "phone";
    private static final int MAX_CANDIDATE = 24;
    private static final int MAX_GROUPS = 6;

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    private final String defaultRegion;

    /** @param defaultRegion ISO 3166 alpha-2 region for numbers written without a country code, e.g. "US", "DE" */
    public PhoneDetector(String defaultRegion) {
        if (!PhoneNumberUtil.getInstance().getSupportedRegions().contains(defaultRegion)) {
            throw new IllegalArgumentException("unknown phone region: " + defaultRegion);
        }
        this.defaultRegion = defaultRegion;
    }

    @Override public List<String> types() { return List.of(TYPE); }

    /** {@code 2024-01-15} / {@code 2024/01/15}: a date, not a phone number (saves a libphonenumber parse). */
    private static boolean looksLikeIsoDate(String text, int start, int end) {
        if (end - start != 10) return false;
        char sep = text.charAt(start + 4);
        return (sep == '-' || sep == '/') && text.charAt(start + 7) == sep;
    }
    @Override public Trigger trigger() { return Trigger.NUMBER_START; }

    @Override
    public void detectAt(String text, int pos, ScanState state, List<Finding> out) {
        int n = text.length();
        char first = text.charAt(pos);
        if (Chars.isDigit(first) && pos > 0 && (text.charAt(pos - 1) == '+' || text.charAt(pos - 1) == '(')) return;
        // The groups of a candidate already judged are not candidates of their own: without this, "1.1.1.1..."
        // would ask libphonenumber (microseconds per call) at every digit.
        if (state.insidePhoneCandidate(pos)) return;
        // An SSN, card or IP address found at this very start (checked by stricter rules, higher confidence) would
        // win the overlap anyway: skip the comparatively costly libphonenumber parse.
        for (int k = out.size() - 1; k >= 0 && out.get(k).start() >= pos; k--) {
            if (out.get(k).start() == pos && out.get(k).confidence() > 0.8) return;
        }
        int digits = 0;
        int separators = 0;
        int groups = 1;
        int i = pos + (first == '+' || first == '(' ? 1 : 0);
        int lastDigitEnd = -1;
        int limit = Math.min(n, pos + MAX_CANDIDATE);
        while (i < limit) {
            char c = text.charAt(i);
            if (Chars.isDigit(c)) {
                digits++;
                lastDigitEnd = i + 1;
            } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/') {
                separators++;
                if (i > pos && Chars.isDigit(text.charAt(i - 1))) groups++;
                if (i + 1 < n && !Chars.isDigit(text.charAt(i + 1)) && text.charAt(i + 1) != '(' && text.charAt(i + 1) != ' ') break;
            } else {
                break;
            }
            i++;
        }
        if (lastDigitEnd < 0) return;
        state.phoneCandidate(lastDigitEnd);
        // Written phone numbers have at most six digit groups ("+49 30 123 456 78" has five).
        if (digits < 7 || digits > 15 || groups > MAX_GROUPS) return;
        if (lastDigitEnd < n && Chars.isWord(text.charAt(lastDigitEnd))) return;
        if (first != '+' && separators == 0 && digits < 10) return;
        if (looksLikeIsoDate(text, pos, lastDigitEnd)) return;
        String candidate = text.substring(pos, lastDigitEnd);
        try {
            var number = util.parse(candidate, defaultRegion);
            // A national-format number belongs to the default region: checking only that region avoids
            // isValidNumber's walk over every region sharing the country code (about 25 for +1).
            boolean valid = first == '+' ? util.isValidNumber(number) : util.isValidNumberForRegion(number, defaultRegion);
            if (valid) {
                out.add(new Finding(TYPE, pos, lastDigitEnd, first == '+' ? 0.8 : 0.7));
            }
        } catch (NumberParseException e) {
            // not a phone number
        }
    }
}
