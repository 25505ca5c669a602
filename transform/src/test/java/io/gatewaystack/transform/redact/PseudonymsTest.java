package io.gatewaystack.transform.redact;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.transform.detect.Finding;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PseudonymsTest {

    @Test
    void placeholdersAreStablePerValueAndNumberedPerType() {
        Pseudonyms p = new Pseudonyms();
        assertThat(p.placeholderFor("email", "a@x.io")).isEqualTo("<EMAIL_1>");
        assertThat(p.placeholderFor("email", "b@x.io")).isEqualTo("<EMAIL_2>");
        assertThat(p.placeholderFor("email", "a@x.io")).isEqualTo("<EMAIL_1>");
        assertThat(p.placeholderFor("credit_card", "4111111111111111")).isEqualTo("<CREDIT_CARD_1>");
        assertThat(p.toString()).isEqualTo("Pseudonyms[3 entries]").doesNotContain("a@x.io");
    }

    @Test
    void roundTripThroughTheRedactor() {
        String text = "Mail a@x.io and a@x.io, card 4111111111111111.";
        List<Finding> findings = List.of(new Finding("email", 5, 11, 0.9), new Finding("email", 16, 22, 0.9),
                new Finding("credit_card", 29, 45, 0.9));
        Pseudonyms p = new Pseudonyms();
        String out = TextRedactor.apply(text, findings, ActionPolicy.all(Action.PSEUDONYMIZE), p);
        assertThat(out).isEqualTo("Mail <EMAIL_1> and <EMAIL_1>, card <CREDIT_CARD_1>.");
        assertThat(p.restore("Sure, I wrote to <EMAIL_1> about <CREDIT_CARD_1>.")).isEqualTo("Sure, I wrote to a@x.io about 4111111111111111.");
    }

    @Test
    void aPlaceholderSplitAcrossChunksIsRestored() {
        Pseudonyms p = new Pseudonyms();
        p.placeholderFor("email", "alice@example.com");
        PlaceholderRestorer r = p.restorer();
        StringBuilder out = new StringBuilder();
        out.append(r.push("Hi <EMA"));
        assertThat(out.toString()).isEqualTo("Hi ");
        out.append(r.push("IL_1>!"));
        out.append(r.push(" 3 < 4 and <b>bold</b> and <UNKNOWN_9> and <"));
        out.append(r.finish());
        assertThat(out.toString()).isEqualTo("Hi alice@example.com! 3 < 4 and <b>bold</b> and <UNKNOWN_9> and <");
    }

    @Test
    void everySplitPointRestoresTheSameText() {
        Pseudonyms p = new Pseudonyms();
        p.placeholderFor("email", "alice@example.com");
        p.placeholderFor("phone", "+44 20 7946 0958");
        String response = "To <EMAIL_1>, call <PHONE_1> or <EMAIL_1>.";
        String expected = "To alice@example.com, call +44 20 7946 0958 or alice@example.com.";
        for (int cut = 0; cut <= response.length(); cut++) {
            for (int cut2 = cut; cut2 <= response.length(); cut2 += 3) {
                PlaceholderRestorer r = p.restorer();
                String got = r.push(response.substring(0, cut)) + r.push(response.substring(cut, cut2))
                        + r.push(response.substring(cut2)) + r.finish();
                assertThat(got).as("cuts %d,%d", cut, cut2).isEqualTo(expected);
            }
        }
    }

    @Test
    void theJsonRestorerEscapesRestoredValues() {
        Pseudonyms p = new Pseudonyms();
        p.placeholderFor("generic_secret", "pa\"ss\\wo\nrd");
        PlaceholderRestorer r = p.jsonRestorer();
        String got = r.push("{\"text\":\"secret is <GENERIC_SE") + r.push("CRET_1>\"}") + r.finish();
        assertThat(got).isEqualTo("{\"text\":\"secret is pa\\\"ss\\\\wo\\nrd\"}");
    }

    @Test
    void holdBackIsBounded() {
        Pseudonyms p = new Pseudonyms();
        PlaceholderRestorer r = p.restorer();
        String longRun = "<" + "A".repeat(200);
        assertThat(r.push(longRun)).isEqualTo(longRun);
    }

    @Test
    void otherActions() {
        String text = "x john@example.com y";
        List<Finding> f = List.of(new Finding("email", 2, 18, 0.9));
        assertThat(TextRedactor.apply(text, f, ActionPolicy.all(Action.MASK), new Pseudonyms())).isEqualTo("x jo************om y");
        assertThat(TextRedactor.apply(text, f, ActionPolicy.all(Action.PLACEHOLDER), new Pseudonyms())).isEqualTo("x [EMAIL] y");
        assertThat(TextRedactor.apply(text, f, ActionPolicy.all(Action.REMOVE), new Pseudonyms())).isEqualTo("x  y");
        assertThat(TextRedactor.apply(text, f, ActionPolicy.all(Action.ANNOTATE), new Pseudonyms())).isSameAs(text);
        assertThat(TextRedactor.apply(text, f, new ActionPolicy(Map.of("email", Action.MASK), Action.ANNOTATE, 0), new Pseudonyms()))
                .isEqualTo("x **************** y");
    }

    @Test
    void maskCountsCodePointsNotChars() {
        assertThat(TextRedactor.mask("😀ab😀cd😀", 1)).isEqualTo("😀*****😀");
        assertThat(TextRedactor.mask("abcd", 2)).isEqualTo("****");
        assertThat(Action.parse("pseudonymise")).isEqualTo(Action.PSEUDONYMIZE);
    }
}
