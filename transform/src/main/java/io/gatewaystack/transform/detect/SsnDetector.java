package io.gatewaystack.transform.detect;

import java.util.List;

/**
 * US Social Security numbers written {@code AAA-GG-SSSS} or {@code AAA GG SSSS} (bare nine-digit runs are not
 * reported: too many order and account numbers look the same). SSA rules: area 000, 666 and 900-999, group 00 and
 * serial 0000 are never issued.
 */
public final class SsnDetector implements Detector {

    public static final String TYPE = "ssn";

    @Override public List<String> types() { return List.of(TYPE); }
    @Override public Trigger trigger() { return Trigger.NUMBER_START; }

    @Override
    public void detectAt(String text, int pos, ScanState state, List<Finding> out) {
        int end = pos + 11;
        if (end > text.length() || !Chars.isDigit(text.charAt(pos))) return;
        char sep = text.charAt(pos + 3);
        if (sep != '-' && sep != ' ') return;
        if (text.charAt(pos + 6) != sep) return;
        for (int i : new int[] {0, 1, 2, 4, 5, 7, 8, 9, 10}) {
            if (!Chars.isDigit(text.charAt(pos + i))) return;
        }
        if (!Chars.boundaryAt(text, end)) return;
        // "123-45-6789-0" is part of a longer number, not an SSN.
        if (end + 1 < text.length() && (text.charAt(end) == '-' || text.charAt(end) == sep) && Chars.isDigit(text.charAt(end + 1))) return;
        int area = num(text, pos, 3);
        int group = num(text, pos + 4, 2);
        int serial = num(text, pos + 7, 4);
        if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) return;
        out.add(new Finding(TYPE, pos, end, sep == '-' ? 0.85 : 0.7));
    }

    private static int num(String s, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) v = v * 10 + (s.charAt(i) - '0');
        return v;
    }
}
