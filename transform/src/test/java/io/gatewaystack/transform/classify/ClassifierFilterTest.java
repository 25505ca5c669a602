package io.gatewaystack.transform.classify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * The classifier filters words through a bitmap of first-word hashes before its lookup; it must label texts as
 * the unfiltered lookup does (the reference below looks every word up by name), on random texts made of the rules'
 * words in random case, other words and punctuation, seeded.
 */
class ClassifierFilterTest {

    private static Set<String> reference(List<PhraseRule> rules, String text) {
        Map<String, Integer> points = new HashMap<>();
        Set<PhraseRule> matched = new java.util.HashSet<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (!isWordChar(text.charAt(i))) { i++; continue; }
            int start = i;
            while (i < n && isWordChar(text.charAt(i))) i++;
            if (i - start > 32) continue;
            String word = text.substring(start, i).toLowerCase(Locale.ROOT);
            for (PhraseRule rule : rules) {
                if (!rule.firstWord().equals(word) || matched.contains(rule)) continue;
                Matcher m = rule.pattern().matcher(text);
                m.region(start, Math.min(n, start + 200));
                if (m.lookingAt()) {
                    matched.add(rule);
                    points.merge(rule.label(), rule.weight(), Integer::sum);
                }
            }
        }
        Set<String> labels = new TreeSet<>();
        points.forEach((label, p) -> { if (p >= HeuristicClassifier.THRESHOLD) labels.add(label); });
        return labels;
    }

    private static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    @Test
    void labelsAsTheUnfilteredLookup() {
        List<PhraseRule> rules = ClassifierRules.ALL;
        HeuristicClassifier classifier = new HeuristicClassifier(rules);
        List<String> pieces = new ArrayList<>(List.of(" ", " ", ", ", ". ", "\n", "-", "(", "the ", "of ", "with ", "all ",
                "previous ", "instructions ", "number ", "and ", "1=1 ", "é", "x", "42 ", "Über "));
        for (PhraseRule r : rules) pieces.add(r.firstWord());
        Random random = new Random(5);
        int labelled = 0;
        for (int round = 0; round < 2_000; round++) {
            StringBuilder sb = new StringBuilder();
            int parts = 1 + random.nextInt(40);
            for (int k = 0; k < parts; k++) {
                String p = pieces.get(random.nextInt(pieces.size()));
                sb.append(random.nextInt(4) == 0 ? p.toUpperCase(Locale.ROOT) : p);
            }
            String text = sb.toString();
            Set<String> expected = reference(rules, text);
            assertThat(classifier.classify(text)).as(text).isEqualTo(expected);
            if (!expected.isEmpty()) labelled++;
        }
        assertThat(labelled).isGreaterThan(50); // 104 with this seed
    }
}
