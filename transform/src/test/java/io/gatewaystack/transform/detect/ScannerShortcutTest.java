package io.gatewaystack.transform.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scanner skips plain lower-case words whole when no detector can start there: it must find exactly what it
 * finds when every word start is offered to the detectors.
 */
class ScannerShortcutTest {

    /** The same detector, but claiming it could start at any lower-case word (turns the shortcut off). */
    private record Unskippable(Detector d) implements Detector {
        public List<String> types() { return d.types(); }
        public Trigger trigger() { return d.trigger(); }
        public boolean canStartWith(char c) { return d.canStartWith(c); }
        public void detectAt(String text, int pos, ScanState state, List<Finding> out) { d.detectAt(text, pos, state, out); }
    }

    @Test
    void skippingPlainWordsChangesNoFinding() {
        List<Detector> all = BuiltinDetectors.all("US");
        ContentScanner fast = new ContentScanner(all, List.of());
        ContentScanner full = new ContentScanner(all.stream().map(d -> (Detector) new Unskippable(d)).toList(), List.of());
        String[] pieces = {"could ", "fe80::1 ", "dead:beef::1 ", "cafe ", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig ",
                "sk-", "abcdefghijklmnopqrstuvwxyz0123 ", "ghp_", "0123456789abcdefghijABCDEFGHIJ0123456789 ", "xoxb-",
                "1234567890-abc ", "glpat-", "AbCdEfGhIjKlMnOpQrSt ", "mail ann@example.com, ", "ip 10.0.0.1. ",
                "github_pat_", "11ABCDEFG0123456789abcdefghijklmn ", "abc:", "::ffff:192.0.2.1 ", "password=", "Xk9#mQ2$vL7pZ4w ",
                "e", "yJ", "born 1990-04-12 ", "call (650) 253-0000 ", "über ", "naïve-", "AKIAIOSFODNN7EXAMPLE ", "-", "_", ":"};
        Random random = new Random(7);
        for (int round = 0; round < 400; round++) {
            StringBuilder sb = new StringBuilder();
            int parts = 5 + random.nextInt(30);
            for (int k = 0; k < parts; k++) sb.append(pieces[random.nextInt(pieces.length)]);
            String text = sb.toString();
            assertThat(fast.scan(text)).as(text).isEqualTo(full.scan(text));
        }
        assertThat(fast.scan("key sk-abcdefghijklmnopqrstuvwxyz0123 and fe80::1")).extracting(Finding::type)
                .containsExactly("openai_api_key", "ip_address");
    }
}
