package io.gatewaystack.transform.detect;

import java.time.Year;
import java.util.List;

/**
 * Dates of birth: a calendar date ({@code YYYY-MM-DD}, {@code DD.MM.YYYY}, {@code MM/DD/YYYY} or
 * {@code DD/MM/YYYY}, year 1900 to this year) reported only when one of the context words dob, d.o.b, born,
 * birth, birthday, birthdate, "date of birth", geb., geboren appears in the 40 chars before it. Other dates
 * (invoices, meetings, releases) are not personal data on their own.
 */
public final class DateOfBirthDetector implements Detector {

    public static final String TYPE = "date_of_birth";
    private static final String[] CONTEXT = {"dob", "d.o.b", "born", "birth", "birthday", "birthdate", "geb.", "geboren", "date of birth"};
    private static final int CONTEXT_WINDOW = 40;
    private final int currentYear = Year.now().getValue();

    @Override public List<String> types() { return List.of(TYPE); }
    @Override public Trigger trigger() { return Trigger.NUMBER_START; }

    @Override
    public void detectAt(String text, int pos, ScanState state, List<Finding> out) {
        int n = text.length();
        if (!Chars.isDigit(text.charAt(pos))) return;
        int end = -1;
        if (pos + 10 <= n && digits(text, pos, 4) && (text.charAt(pos + 4) == '-' || text.charAt(pos + 4) == '/')
                && text.charAt(pos + 7) == text.charAt(pos + 4) && digits(text, pos + 5, 2) && digits(text, pos + 8, 2)) {
            if (valid(num(text, pos, 4), num(text, pos + 5, 2), num(text, pos + 8, 2))) end = pos + 10;
        } else {
            // D.M.YYYY, M/D/YYYY, D/M/YYYY with one or two digit day and month
            int i = pos;
            int a = 0, al = 0;
            while (i < n && al < 2 && Chars.isDigit(text.charAt(i))) { a = a * 10 + text.charAt(i) - '0'; i++; al++; }
            if (i >= n) return;
            char sep = text.charAt(i);
            if (sep != '.' && sep != '/' && sep != '-') return;
            i++;
            int b = 0, bl = 0;
            while (i < n && bl < 2 && Chars.isDigit(text.charAt(i))) { b = b * 10 + text.charAt(i) - '0'; i++; bl++; }
            if (bl == 0 || i + 5 > n || text.charAt(i) != sep || !digits(text, i + 1, 4)) return;
            int year = num(text, i + 1, 4);
            boolean ok = sep == '.' ? valid(year, b, a) : valid(year, a, b) || valid(year, b, a);
            if (ok) end = i + 5;
        }
        if (end < 0 || !Chars.boundaryAt(text, end)) return;
        if (!Chars.contextBefore(text, pos, CONTEXT_WINDOW, CONTEXT)) return;
        out.add(new Finding(TYPE, pos, end, 0.75));
    }

    private boolean valid(int year, int month, int day) {
        return year >= 1900 && year <= currentYear && month >= 1 && month <= 12 && day >= 1 && day <= 31;
    }

    private static boolean digits(String s, int from, int len) {
        if (from + len > s.length()) return false;
        for (int i = from; i < from + len; i++) if (!Chars.isDigit(s.charAt(i))) return false;
        return true;
    }

    private static int num(String s, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) v = v * 10 + (s.charAt(i) - '0');
        return v;
    }
}
