package io.gatewaystack.transform.detect;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
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
    private final PhoneValidity validity;
    /** the default region's national (trunk) prefix, e.g. "0" for DE, "1" for US; null when it has none */
    private final String nationalPrefix;
    private final boolean asWrittenFirst;

    /** @param defaultRegion ISO 3166 alpha-2 region for numbers written without a country code, e.g. "US", "DE" */
    public PhoneDetector(String defaultRegion) {
        this(defaultRegion, true);
    }

    /**
     * @param asWrittenFirst try the digits as written before libphonenumber's full parse (see {@link #validAsWritten});
     *                       false only to compare the two in tests
     */
    PhoneDetector(String defaultRegion, boolean asWrittenFirst) {
        if (!PhoneNumberUtil.getInstance().getSupportedRegions().contains(defaultRegion)) {
            throw new IllegalArgumentException("unknown phone region: " + defaultRegion);
        }
        this.defaultRegion = defaultRegion;
        this.validity = new PhoneValidity(defaultRegion);
        String prefix = util.getNddPrefixForRegion(defaultRegion, true);
        this.nationalPrefix = prefix == null || prefix.isEmpty() || !prefix.chars().allMatch(c -> c >= '0' && c <= '9') ? null : prefix;
        this.asWrittenFirst = asWrittenFirst;
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
        // An SSN, card or IP address found at this very start with a higher confidence than a phone number here
        // would get wins the overlap anyway: skip the comparatively costly libphonenumber check, and treat its
        // digit groups as judged ("1111 1111 1111" inside a card, "168.10.20" inside an address).
        double confidence = first == '+' ? 0.8 : 0.7;
        for (int k = out.size() - 1; k >= 0 && out.get(k).start() >= pos; k--) {
            Finding f = out.get(k);
            if (f.start() == pos && f.confidence() > confidence) {
                state.phoneCandidate(f.end());
                return;
            }
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
        if ((asWrittenFirst && validAsWritten(text, pos, lastDigitEnd, first == '+')) || validParsed(text, pos, lastDigitEnd, first == '+')) {
            out.add(new Finding(TYPE, pos, lastDigitEnd, confidence));
        }
    }

    /** libphonenumber's full parse (extraction, normalisation, prefix stripping, all regex-based), then validation. */
    private boolean validParsed(String text, int from, int to, boolean international) {
        try {
            var number = util.parse(text.substring(from, to), defaultRegion);
            // A national-format number belongs to the default region: checking only that region avoids
            // isValidNumber's walk over every region sharing the country code (about 25 for +1).
            return international ? util.isValidNumber(number) : util.isValidNumberForRegion(number, defaultRegion);
        } catch (NumberParseException e) {
            return false; // not a phone number
        }
    }

    /**
     * The fast path: the digits as written are taken as country code plus national number ({@code +44 20 7946 0958})
     * or as the default region's national number, with or without its trunk prefix ({@code (650) 253-0000},
     * {@code 030 1234567} in DE), and checked with the same libphonenumber metadata ({@code isValidNumber},
     * {@code isValidNumberForRegion}). This skips {@code parse}, whose regex-based extraction and normalisation
     * cost several times the validation itself. When it says no, the caller still asks the full parse, so a
     * number is never missed that the parse would find; the fast path accepts only numbers whose digits, as
     * written, are valid for the region.
     */
    private boolean validAsWritten(String text, int from, int to, boolean international) {
        char[] digits = new char[15];
        int n = 0;
        for (int i = from; i < to && n < digits.length; i++) {
            char c = text.charAt(i);
            if (Chars.isDigit(c)) digits[n++] = c;
        }
        // The national significant number is the digits as written: libphonenumber keeps leading zeros (an Italian
        // "06 ...") and prints them back unchanged (see number()).
        if (international) {
            if (n == 0 || digits[0] == '0') return false; // no country code starts with 0
            // country codes are prefix-free: the first 1-3 digits that name one are it
            for (int ccLength = 1; ccLength <= 3 && ccLength < n; ccLength++) {
                int cc = 0;
                for (int k = 0; k < ccLength; k++) cc = cc * 10 + (digits[k] - '0');
                if (!"ZZ".equals(util.getRegionCodeForCountryCode(cc))) { // ZZ: no such country code
                    return validity.valid(cc, new String(digits, ccLength, n - ccLength));
                }
            }
            return false;
        }
        if (validity.validForHomeRegion(new String(digits, 0, n))) return true;
        int p = nationalPrefix == null ? 0 : nationalPrefix.length();
        if (p == 0 || n - p < 2 || !new String(digits, 0, p).equals(nationalPrefix)) return false;
        return validity.validForHomeRegion(new String(digits, p, n - p));
    }

    /**
     * The PhoneNumber for country code {@code cc} and the national number digits[from..to), leading zeros kept as
     * libphonenumber keeps them: its national significant number is digits[from..to) again. The detector no longer
     * builds these; the tests compare {@link PhoneValidity} with libphonenumber on them.
     */
    static Phonenumber.PhoneNumber number(int cc, char[] digits, int from, int to) {
        Phonenumber.PhoneNumber number = new Phonenumber.PhoneNumber().setCountryCode(cc);
        long national = 0;
        for (int k = from; k < to; k++) national = national * 10 + (digits[k] - '0');
        if (to - from > 1 && digits[from] == '0') {
            number.setItalianLeadingZero(true);
            int zeros = 1;
            while (zeros < to - from - 1 && digits[from + zeros] == '0') zeros++;
            if (zeros != 1) number.setNumberOfLeadingZeros(zeros);
        }
        return number.setNationalNumber(national);
    }
}
