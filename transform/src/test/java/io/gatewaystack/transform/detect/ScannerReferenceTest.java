package io.gatewaystack.transform.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scanner's shortcuts (dispatch tables by first char, plain lower-case words skipped whole, the rest of a word
 * skipped after its first char) must offer the detectors exactly what a plain walk over every char offers them
 * by the {@link Trigger} rules: compared on random texts of words, numbers, secrets, punctuation and non-ASCII text.
 */
class ScannerReferenceTest {

    /** Every char in turn, each trigger's detectors in catalogue order, as {@link Trigger} documents them. */
    private static List<Finding> reference(List<Detector> detectors, String text) {
        List<Finding> out = new ArrayList<>();
        ScanState state = new ScanState();
        int n = text.length();
        boolean prevWord = false;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            boolean word = Chars.isWord(c);
            if (word) {
                if (!prevWord && c < 128) {
                    if (Chars.isDigit(c)) offer(detectors, Trigger.NUMBER_START, text, i, state, out);
                    offer(detectors, Trigger.WORD_START, text, i, state, out);
                }
            } else if (c == '@') {
                offer(detectors, Trigger.AT_SIGN, text, i, state, out);
            } else if (c == '=' || c == ':') {
                offer(detectors, Trigger.ASSIGNMENT, text, i, state, out);
                if (c == ':' && !prevWord && i + 1 < n && text.charAt(i + 1) == ':' && (i == 0 || text.charAt(i - 1) != ':')) {
                    offer(detectors, Trigger.DOUBLE_COLON, text, i, state, out);
                }
            } else if (!prevWord && i + 1 < n) {
                char next = text.charAt(i + 1);
                if ((c == '+' || c == '(') && Chars.isDigit(next)) offer(detectors, Trigger.NUMBER_START, text, i, state, out);
                else if (c == '-' && next == '-') offer(detectors, Trigger.DASH, text, i, state, out);
            }
            prevWord = word;
        }
        return out.isEmpty() ? List.of() : OverlapResolver.resolve(out);
    }

    private static void offer(List<Detector> detectors, Trigger trigger, String text, int pos, ScanState state, List<Finding> out) {
        for (Detector d : detectors) {
            if (d.trigger() == trigger && d.canStartWith(text.charAt(pos))) d.detectAt(text, pos, state, out);
        }
    }

    @Test
    void findsWhatAWalkOverEveryCharFinds() {
        List<Detector> all = BuiltinDetectors.all("US");
        ContentScanner scanner = new ContentScanner(all, List.of());
        String[] pieces = {"could ", "Could ", "the ", "fe80::1 ", "dead:beef::1 ", "cafe ", "::1 ", "a::b ",
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig ", "sk-", "abcdefghijklmnopqrstuvwxyz0123 ", "ghp_",
                "0123456789abcdefghijABCDEFGHIJ0123456789 ", "xoxb-", "1234567890-abc ", "AKIAIOSFODNN7EXAMPLE ",
                "mail ann@example.com, ", "x@y ", "@@", "ip 10.0.0.1. ", "1.1.1.1.1 ", "v2.3.1 ", "version 10.0.0.1 ",
                "password=", "Xk9#mQ2$vL7pZ4w ", "key: ", "(650) 253-0000 ", "+1 650 253 0000 ", "+44 20 7946 0958 ",
                "4111 1111 1111 1111 ", "4111-1111-1111-1111 ", "DE89370400440532013000 ", "DE89 3704 0044 0532 0130 00 ",
                "123-45-6789 ", "000-12-3456 ", "born 1990-04-12 ", "dob: 12.04.1990 ", "2024-01-01 ",
                "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10 ",
                "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY----- ",
                "über ", "naïve-", "日本語 ", "東京1 ", "😀 ", "é1 ", "_x ", "x_1 ", "ABC-123 ", "12:30 ", "a=b ",
                "--", "-", "_", ":", "=", "+", "(", ")", " ", "\n", ".", ",", "1", "a", "Z"};
        Random random = new Random(13);
        int found = 0;
        for (int round = 0; round < 1_500; round++) {
            StringBuilder sb = new StringBuilder();
            int parts = 1 + random.nextInt(40);
            for (int k = 0; k < parts; k++) sb.append(pieces[random.nextInt(pieces.length)]);
            String text = sb.toString();
            List<Finding> expected = reference(all, text);
            assertThat(scanner.scan(text)).as(text).isEqualTo(expected);
            found += expected.size();
        }
        assertThat(found).isGreaterThan(5_000);
    }
}
