package io.gatewaystack.transform.detect;

import java.util.List;

/**
 * IPv4 addresses in dotted-quad form, each octet 0-255 without leading zeros.
 *
 * <p>Version-string rule: a dotted run of more than four numbers ({@code 1.2.3.4.5}) is not an address at all,
 * and neither is a quad preceded by '.', 'v'/'V' or one of the words "version", "ver", "release", "build" within
 * the 12 chars before it ({@code version 1.2.3.4}, {@code v1.2.3.4}).
 */
public final class Ipv4Detector implements Detector {

    public static final String TYPE = "ip_address";
    private static final String[] VERSION_WORDS = {"version", "ver", "release", "build", "firmware"};

    @Override public List<String> types() { return List.of(TYPE); }
    @Override public Trigger trigger() { return Trigger.NUMBER_START; }

    @Override
    public void detectAt(String text, int pos, ScanState state, List<Finding> out) {
        int end = parse(text, pos);
        if (end < 0) return;
        if (pos > 0) {
            char before = text.charAt(pos - 1);
            if (before == '.' || before == 'v' || before == 'V') return;
        }
        if (end < text.length()) {
            char after = text.charAt(end);
            if (Chars.isWord(after)) return;
            if (after == '.' && end + 1 < text.length() && Chars.isDigit(text.charAt(end + 1))) return;
        }
        if (Chars.contextBefore(text, pos, 12, VERSION_WORDS)) return;
        out.add(new Finding(TYPE, pos, end, 0.8));
    }

    /** The end of a dotted quad starting at {@code pos}, or -1. */
    static int parse(String text, int pos) {
        int i = pos;
        int n = text.length();
        for (int octet = 0; octet < 4; octet++) {
            if (octet > 0) {
                if (i >= n || text.charAt(i) != '.') return -1;
                i++;
            }
            int start = i;
            int v = 0;
            while (i < n && i - start < 3 && Chars.isDigit(text.charAt(i))) {
                v = v * 10 + (text.charAt(i) - '0');
                i++;
            }
            if (i == start || v > 255 || (i - start > 1 && text.charAt(start) == '0')) return -1;
            if (i < n && Chars.isDigit(text.charAt(i))) return -1;
        }
        return i;
    }
}
