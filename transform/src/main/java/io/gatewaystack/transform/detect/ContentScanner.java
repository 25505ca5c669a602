package io.gatewaystack.transform.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds sensitive content in a text: one pass over the chars calling the built-in detectors at their trigger
 * positions, then the custom (RE2) detectors, then {@link OverlapResolver}. Immutable and thread-safe; every
 * scan has its own {@link ScanState}.
 */
public final class ContentScanner {

    /** word-start and number-start detectors by the trigger char (ASCII), only those that can start there */
    private final Detector[][] onWordStart = new Detector[128][];
    private final Detector[][] onNumberStart = new Detector[128][];
    private final Detector[] onAt;
    private final Detector[] onDash;
    private final Detector[] onDoubleColon;
    private final Detector[] onAssignment;
    private final List<CustomDetector> custom;
    private final Set<String> onlyTypes;
    /** no word-start detector can match at a plain lower-case word: such words are skipped whole */
    private final boolean skipPlainLowercaseWords;

    /** All findings of these detectors. */
    public ContentScanner(List<Detector> builtins, List<CustomDetector> custom) {
        this(builtins, custom, Set.of());
    }

    /**
     * @param onlyTypes when not empty, built-in findings of other types are dropped (a detector may report
     *                  several types, e.g. the token detector)
     */
    public ContentScanner(List<Detector> builtins, List<CustomDetector> custom, Set<String> onlyTypes) {
        this.onlyTypes = Set.copyOf(onlyTypes);
        Detector[] words = select(builtins, Trigger.WORD_START);
        Detector[] numbers = select(builtins, Trigger.NUMBER_START);
        for (char c = 0; c < 128; c++) {
            final char first = c;
            onWordStart[c] = java.util.Arrays.stream(words).filter(d -> d.canStartWith(first)).toArray(Detector[]::new);
            boolean numberStart = Chars.isDigit(c) || c == '+' || c == '(';
            onNumberStart[c] = numberStart
                    ? java.util.Arrays.stream(numbers).filter(d -> d.canStartWith(first)).toArray(Detector[]::new)
                    : new Detector[0];
        }
        this.onAt = select(builtins, Trigger.AT_SIGN);
        this.onDash = select(builtins, Trigger.DASH);
        this.onDoubleColon = select(builtins, Trigger.DOUBLE_COLON);
        this.onAssignment = select(builtins, Trigger.ASSIGNMENT);
        this.custom = List.copyOf(custom);
        this.skipPlainLowercaseWords = java.util.Arrays.stream(words)
                .noneMatch(d -> canStartLowercase(d) && d.mayStartPlainLowercaseWord());
    }

    private static boolean canStartLowercase(Detector d) {
        for (char c = 'a'; c <= 'z'; c++) if (d.canStartWith(c)) return true;
        return false;
    }

    private static Detector[] select(List<Detector> all, Trigger trigger) {
        return all.stream().filter(d -> d.trigger() == trigger).toArray(Detector[]::new);
    }

    /** Non-overlapping findings sorted by start; offsets are UTF-16 char indexes into {@code text}. */
    public List<Finding> scan(String text) {
        if (text == null || text.isEmpty()) return List.of();
        List<Finding> out = new ArrayList<>(0);
        ScanState state = new ScanState();
        int n = text.length();
        boolean prevWord = false;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            boolean word = Chars.isWord(c);
            if (word && !prevWord && c >= 'a' && c <= 'z' && skipPlainLowercaseWords) {
                // most of prose: a run of lower-case letters ending in a space or punctuation can start no match
                int j = i + 1;
                while (j < n && text.charAt(j) >= 'a' && text.charAt(j) <= 'z') j++;
                char after = j < n ? text.charAt(j) : ' ';
                if (!Chars.isWord(after) && after != '-' && after != ':') {
                    i = j - 1;
                    prevWord = true;
                    continue;
                }
            }
            if (word) {
                if (!prevWord && c < 128) {
                    run(onNumberStart[c], text, i, state, out);
                    run(onWordStart[c], text, i, state, out);
                }
                // only a word's first char is a trigger: the rest of the run is skipped in one tight loop
                int j = i + 1;
                while (j < n && Chars.isWord(text.charAt(j))) j++;
                i = j - 1;
                prevWord = true;
                continue;
            } else if (c == '@') {
                run(onAt, text, i, state, out);
            } else if (c == '=' || c == ':') {
                run(onAssignment, text, i, state, out);
                if (c == ':' && !prevWord && i + 1 < n && text.charAt(i + 1) == ':' && (i == 0 || text.charAt(i - 1) != ':')) {
                    run(onDoubleColon, text, i, state, out);
                }
            } else if (!prevWord && i + 1 < n) {
                char next = text.charAt(i + 1);
                if ((c == '+' || c == '(') && Chars.isDigit(next)) {
                    run(onNumberStart[c], text, i, state, out);
                } else if (c == '-' && next == '-') {
                    run(onDash, text, i, state, out);
                }
            }
            prevWord = word;
        }
        if (!onlyTypes.isEmpty()) out.removeIf(f -> !onlyTypes.contains(f.type()));
        for (CustomDetector d : custom) d.scan(text, out);
        return out.isEmpty() ? List.of() : OverlapResolver.resolve(out);
    }

    private static void run(Detector[] detectors, String text, int pos, ScanState state, List<Finding> out) {
        for (Detector d : detectors) d.detectAt(text, pos, state, out);
    }
}
