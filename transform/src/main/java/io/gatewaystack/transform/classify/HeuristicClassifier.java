package io.gatewaystack.transform.classify;

import io.gatewaystack.transform.detect.Chars;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;

/**
 * The built-in classifier: phrase rules ({@link ClassifierRules}) keyed by their first word. One pass over the
 * text hashes each word (lower case, no allocation) and looks it up in a sorted array; only a hit runs the
 * rule's anchored pattern on a bounded region. A label applies when its distinct matched rules reach
 * {@link #THRESHOLD} points: one strong phrase ({@link #STRONG}) or three weak words ({@link #WEAK}) — so
 * "please be patient, the doctor will call" (two weak medical words) is not medical.
 */
public final class HeuristicClassifier implements ContentClassifier {

    public static final int STRONG = 3;
    public static final int WEAK = 1;
    public static final int THRESHOLD = 3;
    private static final int MAX_WORD = 32;
    private static final int REGION = 200;
    private static final int FILTER_BITS = 1 << 16;

    private final long[] hashes;
    /** one bit per (mixed) hash of a first word: most words miss here and skip the binary search */
    private final long[] filter = new long[FILTER_BITS / 64];
    private final Map<String, List<PhraseRule>> byFirstWord = new HashMap<>();

    public HeuristicClassifier(List<PhraseRule> rules) {
        for (PhraseRule r : rules) byFirstWord.computeIfAbsent(r.firstWord(), k -> new ArrayList<>()).add(r);
        hashes = byFirstWord.keySet().stream().mapToLong(HeuristicClassifier::hash).sorted().distinct().toArray();
        for (long h : hashes) filter[filterBit(h) >>> 6] |= 1L << filterBit(h);
    }

    /** The classifier with the built-in rule lists. */
    public static HeuristicClassifier standard() {
        return new HeuristicClassifier(ClassifierRules.ALL);
    }

    @Override
    public Set<String> classify(String text) {
        if (text == null || text.isEmpty()) return Set.of();
        return labels(matches(text, 0, text.length()));
    }

    /**
     * The rules matching at the words that start in [{@code from}, {@code to}) of {@code text}; a rule's pattern
     * sees the text from its word on (at most {@value #REGION} chars). A text read in pieces (a streamed answer)
     * gets the same rules as the whole text when each word start is in exactly one piece and each piece's text
     * reaches far enough past it.
     */
    public Set<PhraseRule> matches(String text, int from, int to) {
        Set<PhraseRule> matched = null;
        int n = text.length();
        int i = Math.max(0, from);
        while (i > 0 && i < n && isWordChar(text.charAt(i - 1)) && isWordChar(text.charAt(i))) i++; // a word begun before
        int last = Math.min(to, n);
        while (i < last) {
            char c = text.charAt(i);
            if (!isWordChar(c)) { i++; continue; }
            int start = i;
            long h = 0;
            while (i < n && isWordChar(text.charAt(i))) {
                if (i - start < MAX_WORD) h = h * 31 + lower(text.charAt(i));
                i++;
            }
            if (i - start > MAX_WORD || (filter[filterBit(h) >>> 6] & 1L << filterBit(h)) == 0
                    || Arrays.binarySearch(hashes, h) < 0) {
                continue;
            }
            List<PhraseRule> rules = byFirstWord.get(text.substring(start, i).toLowerCase(java.util.Locale.ROOT));
            if (rules == null) continue;
            for (PhraseRule rule : rules) {
                if (matched != null && matched.contains(rule)) continue;
                Matcher m = rule.pattern().matcher(text);
                m.region(start, Math.min(n, start + REGION));
                if (m.lookingAt()) {
                    if (matched == null) matched = new HashSet<>();
                    matched.add(rule);
                }
            }
        }
        return matched == null ? Set.of() : matched;
    }

    /** The labels whose distinct matched rules reach {@link #THRESHOLD} points. */
    public static Set<String> labels(Collection<PhraseRule> matched) {
        if (matched.isEmpty()) return Set.of();
        Map<String, Integer> points = new HashMap<>();
        for (PhraseRule rule : matched) points.merge(rule.label(), rule.weight(), Integer::sum);
        Set<String> labels = new TreeSet<>();
        points.forEach((label, p) -> { if (p >= THRESHOLD) labels.add(label); });
        return labels;
    }

    /** ASCII letters, digits and '_' (a table: this runs once per char of every text) */
    private static boolean isWordChar(char c) {
        return Chars.isAsciiWord(c);
    }

    /** {@link Character#toLowerCase(char)} for the ASCII word chars the loop hashes */
    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    private static int filterBit(long h) {
        return (int) (h ^ (h >>> 29) ^ (h >>> 47)) & (FILTER_BITS - 1);
    }

    private static long hash(String word) {
        long h = 0;
        for (int i = 0; i < word.length(); i++) h = h * 31 + Character.toLowerCase(word.charAt(i));
        return h;
    }
}
