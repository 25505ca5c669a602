package io.gatewaystack.transform.detect;

import java.util.List;

/**
 * IPv6 addresses (RFC 4291 text forms: eight groups, one "::" compression, an optional trailing dotted quad, an
 * optional "%zone"). To keep "std::map" and "12:30:45" out, the address must parse completely and contain a digit.
 */
public final class Ipv6Detector implements Detector {

    public static final String TYPE = "ip_address";
    private static final int MAX_LEN = 45;

    private final Trigger trigger;

    /** One instance for word starts (e.g. "fe80::1") and one for a leading "::" ("::1"). */
    public Ipv6Detector(Trigger trigger) {
        this.trigger = trigger;
    }

    @Override public List<String> types() { return List.of(TYPE); }
    @Override public Trigger trigger() { return trigger; }
    @Override public boolean canStartWith(char c) { return Chars.isHex(c) || c == ':'; }

    /** False: an address starting with hex letters continues with a digit or ':'. */
    @Override public boolean mayStartPlainLowercaseWord() { return false; }

    @Override
    public void detectAt(String text, int pos, ScanState state, List<Finding> out) {
        int n = text.length();
        // Cheap pre-check: a ':' within the first five chars.
        int colon = -1;
        for (int i = pos; i < Math.min(n, pos + 5); i++) {
            if (text.charAt(i) == ':') { colon = i; break; }
            if (!Chars.isHex(text.charAt(i))) return;
        }
        if (colon < 0) return;
        if (pos > 0 && (text.charAt(pos - 1) == ':' || Chars.isHex(text.charAt(pos - 1)))) return;
        int end = pos;
        while (end < n && end - pos < MAX_LEN && (Chars.isHex(text.charAt(end)) || text.charAt(end) == ':' || text.charAt(end) == '.')) end++;
        // Drop trailing punctuation of the sentence ("at ::1." / "fe80::1:").
        while (end > pos && (text.charAt(end - 1) == '.' || (text.charAt(end - 1) == ':' && (end - 2 < pos || text.charAt(end - 2) != ':')))) end--;
        if (end < n && (Chars.isWord(text.charAt(end)))) return;
        if (!valid(text, pos, end)) return;
        out.add(new Finding(TYPE, pos, end, 0.8));
    }

    static boolean valid(String s, int from, int to) {
        boolean digit = false;
        for (int i = from; i < to; i++) if (Chars.isDigit(s.charAt(i))) { digit = true; break; }
        if (!digit || to - from < 3) return false;
        int groups = 0;
        boolean compressed = false;
        int i = from;
        if (s.startsWith("::", i)) { compressed = true; i += 2; if (i == to) return true; }
        while (i < to) {
            int start = i;
            while (i < to && Chars.isHex(s.charAt(i)) && i - start < 5) i++;
            int len = i - start;
            if (i < to && s.charAt(i) == '.') {
                // embedded IPv4 tail: counts as two groups and must end the address
                int end = Ipv4Detector.parse(s, start);
                if (end != to) return false;
                groups += 2;
                i = to;
                break;
            }
            if (len == 0 || len > 4) return false;
            groups++;
            if (i == to) break;
            if (s.charAt(i) != ':') return false;
            i++;
            if (i < to && s.charAt(i) == ':') {
                if (compressed) return false;
                compressed = true;
                i++;
                if (i == to) break;
            } else if (i == to) {
                return false;
            }
        }
        return compressed ? groups < 8 : groups == 8;
    }
}
