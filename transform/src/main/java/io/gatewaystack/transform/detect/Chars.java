package io.gatewaystack.transform.detect;

/** Char-class helpers for the detectors; ASCII tables so the hot loop does no method dispatch. */
public final class Chars {

    private static final boolean[] WORD = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) WORD[c] = true;
        for (char c = 'a'; c <= 'z'; c++) WORD[c] = true;
        for (char c = 'A'; c <= 'Z'; c++) WORD[c] = true;
        WORD['_'] = true;
    }

    private Chars() {}

    /** ASCII letters, digits and '_' only (a table lookup). */
    public static boolean isAsciiWord(char c) {
        return c < 128 && WORD[c];
    }

    /** Letters, digits and '_' (any script for letters and digits). */
    public static boolean isWord(char c) {
        return c < 128 ? WORD[c] : Character.isLetterOrDigit(c);
    }

    public static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    public static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    public static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    public static boolean isAsciiAlnum(char c) {
        return isAsciiLetter(c) || isDigit(c);
    }

    public static boolean isHex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    public static boolean isBase64Url(char c) {
        return isAsciiAlnum(c) || c == '-' || c == '_';
    }

    /** True when the char at {@code i} does not exist or is not a word char (a right-hand word boundary). */
    public static boolean boundaryAt(String text, int i) {
        return i >= text.length() || !isWord(text.charAt(i));
    }

    /**
     * True when one of {@code words} (lower case) occurs as a word in the {@code window} chars before {@code pos},
     * ignoring case. Used for context rules such as "date of birth only near 'born'".
     */
    public static boolean contextBefore(String text, int pos, int window, String[] words) {
        int from = Math.max(0, pos - window);
        for (int i = from; i < pos; i++) {
            // a context word starts a word: test the words only where one starts (about one position in five)
            if (i > 0 && isWord(text.charAt(i - 1))) continue;
            for (String w : words) {
                if (i <= pos - w.length() && text.regionMatches(true, i, w, 0, w.length())
                        && (!isWord(w.charAt(w.length() - 1)) || i + w.length() >= text.length() || !isWord(text.charAt(i + w.length())))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Shannon entropy of the chars in [start, end), in bits per char. */
    public static double entropy(String text, int start, int end) {
        int[] counts = new int[128];
        int other = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c < 128) counts[c]++; else other++;
        }
        double n = end - start;
        double h = 0;
        for (int count : counts) {
            if (count > 0) {
                double p = count / n;
                h -= p * (Math.log(p) / Math.log(2));
            }
        }
        if (other > 0) {
            double p = other / n;
            h -= p * (Math.log(p) / Math.log(2));
        }
        return h;
    }

    /** The first index of {@code needle} starting in [from, to), or -1: a search that never runs past {@code to}. */
    public static int indexOf(String text, String needle, int from, int to) {
        int last = Math.min(to, text.length() - needle.length() + 1);
        char first = needle.charAt(0);
        for (int i = Math.max(0, from); i < last; i++) {
            if (text.charAt(i) == first && text.startsWith(needle, i)) return i;
        }
        return -1;
    }
}
