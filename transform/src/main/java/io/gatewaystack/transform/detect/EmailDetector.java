package io.gatewaystack.transform.detect;

import java.util.List;

/**
 * Email addresses, found from their '@': a dot-atom local part (at most 64 chars) and a domain of at least two
 * labels with an alphabetic top-level label. Bounded both ways, so "a@a@a@..." stays linear.
 */
public final class EmailDetector implements Detector {

    public static final String TYPE = "email";
    private static final int MAX_LOCAL = 64;
    private static final int MAX_DOMAIN = 253;

    @Override public List<String> types() { return List.of(TYPE); }
    @Override public Trigger trigger() { return Trigger.AT_SIGN; }

    @Override
    public void detectAt(String text, int at, ScanState state, List<Finding> out) {
        int start = at;
        while (start > 0 && at - start < MAX_LOCAL && isLocal(text.charAt(start - 1))) start--;
        while (start < at && text.charAt(start) == '.') start++;
        if (start == at || text.charAt(at - 1) == '.') return;
        int end = at + 1;
        int limit = Math.min(text.length(), at + 1 + MAX_DOMAIN);
        int labelStart = end;
        int labels = 0;
        int lastLabelStart = -1;
        int lastGoodEnd = -1;
        while (true) {
            int i = labelStart;
            while (i < limit && (Chars.isAsciiAlnum(text.charAt(i)) || text.charAt(i) == '-')) i++;
            if (i == labelStart || text.charAt(labelStart) == '-' || text.charAt(i - 1) == '-') break;
            labels++;
            lastLabelStart = labelStart;
            if (labels >= 2 && isTopLevel(text, lastLabelStart, i)) lastGoodEnd = i;
            if (i < limit - 1 && text.charAt(i) == '.' && Chars.isAsciiAlnum(text.charAt(i + 1))) {
                labelStart = i + 1;
            } else {
                break;
            }
        }
        if (lastGoodEnd < 0 || (lastGoodEnd < text.length() && Chars.isWord(text.charAt(lastGoodEnd)))) return;
        out.add(new Finding(TYPE, start, lastGoodEnd, 0.95));
    }

    private static boolean isLocal(char c) {
        return Chars.isAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
    }

    private static boolean isTopLevel(String text, int from, int to) {
        if (to - from < 2) return false;
        for (int i = from; i < to; i++) {
            if (!Chars.isAsciiLetter(text.charAt(i))) return false;
        }
        return true;
    }
}
