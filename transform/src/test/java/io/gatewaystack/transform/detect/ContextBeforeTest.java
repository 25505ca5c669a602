package io.gatewaystack.transform.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Chars#contextBefore} tests the context words only where a word starts; it must answer as the plain
 * search of every position (the reference below, its previous form), on random texts, seeded.
 */
class ContextBeforeTest {

    private static boolean reference(String text, int pos, int window, String[] words) {
        int from = Math.max(0, pos - window);
        for (String w : words) {
            for (int i = from; i <= pos - w.length(); i++) {
                if (text.regionMatches(true, i, w, 0, w.length())
                        && (i == 0 || !Chars.isWord(text.charAt(i - 1)))
                        && (!Chars.isWord(w.charAt(w.length() - 1)) || i + w.length() >= text.length() || !Chars.isWord(text.charAt(i + w.length())))) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void answersAsSearchingEveryPosition() {
        String[] words = {"dob", "d.o.b", "born", "birth", "birthday", "geb.", "date of birth", "v", "version"};
        String[] pieces = {"born ", "Born", "reborn ", "BIRTH", "B\u0130RTH ", "birthdays ", "d.o.b", "D.O.B.", "geb.", "gebe",
                "date of birth", "date  of birth", "dob:", "_dob ", "xdob ", "v", "v2", "Version ", "ver ", " ", ", ", "\n",
                "1990-04-12", "é", "日本", "\uD83D\uDE00", "-", "."};
        Random random = new Random(3);
        int hits = 0;
        for (int round = 0; round < 3_000; round++) {
            StringBuilder sb = new StringBuilder();
            int parts = 1 + random.nextInt(20);
            for (int k = 0; k < parts; k++) sb.append(pieces[random.nextInt(pieces.length)]);
            String text = sb.toString();
            int pos = random.nextInt(text.length() + 1);
            int window = 1 + random.nextInt(45);
            boolean expected = reference(text, pos, window, words);
            assertThat(Chars.contextBefore(text, pos, window, words)).as("%s at %d, window %d", text, pos, window).isEqualTo(expected);
            if (expected) hits++;
        }
        assertThat(hits).isBetween(300, 2_700);
    }
}
