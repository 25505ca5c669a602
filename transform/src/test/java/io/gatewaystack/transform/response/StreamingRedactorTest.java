package io.gatewaystack.transform.response;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.transform.TransformConfig;
import io.gatewaystack.transform.TransformEngine;
import io.gatewaystack.transform.redact.Action;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StreamingRedactorTest {

    private static final String ANSWER = "Sure. Write to carol@example.org or call +44 20 7946 0958. Her card was "
            + "4111 1111 1111 1111 (Visa), born on 1984-03-12, server 10.20.30.40, IBAN DE89 3704 0044 0532 0130 00. "
            + "Emoji 😀 stay whole 😀. " + "Nothing else here. ".repeat(20) + "Last: dave@example.net";

    private static ResponseScanner scanner(Map<String, Action> actions, Action defaultAction) {
        var config = TransformConfig.defaults().withResponse(ResponseSettings.on(actions, defaultAction));
        return new TransformEngine(config).responseScanner();
    }

    /** Feeds the text in chunks of the given sizes (cycled), returns everything emitted. */
    private static String streamed(ResponseScanner s, String text, int[] sizes, ResponseFindings into) {
        StreamingRedactor r = s.stream(into);
        StringBuilder out = new StringBuilder();
        int i = 0;
        int k = 0;
        while (i < text.length()) {
            int end = Math.min(text.length(), i + sizes[k++ % sizes.length]);
            out.append(r.push(text.substring(i, end)));
            i = end;
        }
        return out.append(r.finish()).toString();
    }

    @Test
    void anyChunkingGivesTheSameTextAndFindingsAsTheWholeText() {
        ResponseScanner s = scanner(Map.of("email", Action.MASK, "phone", Action.PLACEHOLDER, "iban", Action.REMOVE), Action.PLACEHOLDER);
        ResponseFindings whole = new ResponseFindings();
        String expected = s.scanText(ANSWER, whole);
        assertThat(expected).doesNotContain("carol@example.org").doesNotContain("4111 1111").contains("[PHONE]")
                .contains("[DATE_OF_BIRTH]").contains("[IP_ADDRESS]").doesNotContain("DE89").contains("😀 stay whole 😀")
                .contains("da************et");
        Random random = new Random(42);
        for (int round = 0; round < 300; round++) {
            int[] sizes = round < ANSWER.length() / 4 ? new int[] {round + 1} : new int[] {1 + random.nextInt(40), 1 + random.nextInt(3)};
            ResponseFindings got = new ResponseFindings();
            assertThat(streamed(s, ANSWER, sizes, got)).as("chunk sizes %s", java.util.Arrays.toString(sizes)).isEqualTo(expected);
            assertThat(got.countsByType()).isEqualTo(whole.countsByType());
        }
    }

    @Test
    void aStreamedAnswerGetsTheLabelsOfTheWholeText() {
        // three weak medical words far apart (each in another window: only the whole answer reaches the threshold),
        // a strong legal phrase split anywhere
        String medical = "The patient " + "Nothing else here. ".repeat(15) + "asked about the dosage; " + "filler words. ".repeat(20)
                + "the clinic called back.";
        String legal = "Our lawyer says the non-disclosure  agreement holds. " + "x ".repeat(100) + "the end";
        String code = "Run eval(x) and os.system( 'ls' ) to see it.";
        ResponseScanner s = scanner(Map.of(), Action.ANNOTATE);
        int labelled = 0;
        for (String text : new String[] {medical, legal, code, medical + legal + code}) {
            ResponseFindings whole = new ResponseFindings();
            s.scanText(text, whole);
            java.util.Set<String> expected = new java.util.TreeSet<>(io.gatewaystack.transform.classify.HeuristicClassifier.standard().classify(text));
            expected.remove("code_injection"); // an answer showing code is not an attack
            assertThat(whole.labels()).as(text).isEqualTo(expected);
            labelled += expected.size();
            Random random = new Random(text.length());
            for (int round = 0; round < 100; round++) {
                int[] sizes = {1 + random.nextInt(60), 1 + random.nextInt(5)};
                ResponseFindings got = new ResponseFindings();
                streamed(s, text, sizes, got);
                assertThat(got.labels()).as("%s in chunks of %s", text, java.util.Arrays.toString(sizes)).isEqualTo(expected);
            }
        }
        assertThat(labelled).isEqualTo(4); // medical; legal; none; medical and legal
    }

    @Test
    void withoutClassificationAnAnswerHasNoTextLabels() {
        TransformConfig d = TransformConfig.defaults();
        var config = new TransformConfig(d.detectors(), d.customDetectors(), d.actions(), d.blockThreshold(), d.onError(),
                d.phoneRegion(), d.bodyShape(), d.maxDepth(), false, ResponseSettings.on(Map.of(), Action.ANNOTATE), Map.of());
        ResponseFindings f = new ResponseFindings();
        new TransformEngine(config).responseScanner().scanText("She was diagnosed with asthma.", f);
        assertThat(f.labels()).isEmpty();
    }

    @Test
    void jsonArgumentsAreScannedWithTheirEscapesBlankedWholeAndStreamed() {
        // read as text, "\nbob@..." is the address "nbob@..." (a placeholder would leave "\" dangling) and no word
        // starts at "\nAKIA..." (the key is missed)
        String json = "{\"to\":\"Hi\\nbob@example.com\",\"note\":\"key\\nAKIAIOSFODNN7EXAMPLE\\tok\",\"q\":\"\\\"x\\\"\"}";
        String expected = "{\"to\":\"Hi\\n[EMAIL]\",\"note\":\"key\\n[AWS_ACCESS_KEY]\\tok\",\"q\":\"\\\"x\\\"\"}";
        ResponseScanner s = scanner(Map.of(), Action.PLACEHOLDER);
        ResponseFindings whole = new ResponseFindings();
        assertThat(s.scanJsonText(json, whole)).isEqualTo(expected);
        assertThat(tools.jackson.databind.json.JsonMapper.builder().build().readTree(expected).get("to").asString())
                .isEqualTo("Hi\n[EMAIL]");
        assertThat(whole.countsByType()).isEqualTo(Map.of("email", 1, "aws_access_key", 1));
        Random random = new Random(9);
        for (int round = 0; round < 200; round++) {
            int[] sizes = {1 + random.nextInt(12), 1 + random.nextInt(3)};
            ResponseFindings got = new ResponseFindings();
            StreamingRedactor r = s.jsonStream(got);
            StringBuilder out = new StringBuilder();
            int i = 0;
            int k = 0;
            while (i < json.length()) {
                int end = Math.min(json.length(), i + sizes[k++ % sizes.length]);
                out.append(r.push(json.substring(i, end)));
                i = end;
            }
            out.append(r.finish());
            assertThat(out.toString()).as("chunks %s", java.util.Arrays.toString(sizes)).isEqualTo(expected);
            assertThat(got.countsByType()).isEqualTo(whole.countsByType());
        }
    }

    @Test
    void anEmailSplitAtEveryPositionIsStillFound() {
        ResponseScanner s = scanner(Map.of(), Action.PLACEHOLDER);
        String text = "x".repeat(300) + " mail alice@example.com now";
        for (int split = 290; split < text.length(); split++) {
            StreamingRedactor r = s.stream(new ResponseFindings());
            String out = r.push(text.substring(0, split)) + r.push(text.substring(split)) + r.finish();
            assertThat(out).endsWith(" mail [EMAIL] now").doesNotContain("alice");
        }
    }

    @Test
    void textIsHeldBackOnlyABoundedAmount() {
        ResponseScanner s = scanner(Map.of(), Action.ANNOTATE);
        StreamingRedactor r = s.stream(new ResponseFindings());
        int pushed = 0;
        int emitted = 0;
        for (int i = 0; i < 2000; i++) {
            String chunk = "word" + i + " ";
            pushed += chunk.length();
            emitted += r.push(chunk).length();
            assertThat(pushed - emitted).isLessThanOrEqualTo(ResponseSettings.DEFAULT_HOLDBACK * 3 / 2 + chunk.length());
        }
        assertThat(emitted + r.finish().length()).isEqualTo(pushed);
    }

    @Test
    void aBlockedTypeStopsTheStreamBeforeAnyOfItIsSent() {
        ResponseScanner s = scanner(Map.of("aws_access_key", Action.BLOCK), Action.ANNOTATE);
        ResponseFindings f = new ResponseFindings();
        StreamingRedactor r = s.stream(f);
        StringBuilder out = new StringBuilder();
        String text = "Here is some text. ".repeat(20) + "The key is AKIAIOSFODNN7EXAMPLE and more text follows. ".repeat(3);
        for (int i = 0; i < text.length(); i += 3) out.append(r.push(text.substring(i, Math.min(text.length(), i + 3))));
        out.append(r.finish());
        assertThat(r.blocked()).isTrue();
        assertThat(f.blockedTypes()).containsExactly("aws_access_key");
        assertThat(out.toString()).doesNotContain("AKIA").startsWith("Here is some text.");
        assertThat(r.push("more")).isEmpty();
    }

    @Test
    void aSecretLongerThanTheHoldbackIsNotCutInTwo() {
        ResponseScanner s = scanner(Map.of(), Action.PLACEHOLDER);
        String key = "-----BEGIN RSA PRIVATE KEY-----\n" + "MIIEowIBAAKCAQEAx4k0h8bV3jQ9Zm1Tq2Lw5RZr8fXk2P7yJ9sN4cV6bD1eA0\n".repeat(20)
                + "-----END RSA PRIVATE KEY-----";
        String text = "Here is the key:\n" + key + "\nKeep it safe.";
        String out = streamed(s, text, new int[] {7}, new ResponseFindings());
        assertThat(out).isEqualTo("Here is the key:\n[PRIVATE_KEY]\nKeep it safe.");
    }

    @Test
    void placeholdersOfThePseudonymisedRequestAreNotFindings() {
        // the model answers with the placeholders it saw; the scan runs before they are restored
        ResponseScanner s = scanner(Map.of(), Action.PLACEHOLDER);
        ResponseFindings f = new ResponseFindings();
        String out = streamed(s, "I wrote to <EMAIL_1> and <PHONE_1> about <CREDIT_CARD_1>.", new int[] {2}, f);
        assertThat(out).isEqualTo("I wrote to <EMAIL_1> and <PHONE_1> about <CREDIT_CARD_1>.");
        assertThat(f.isEmpty()).isTrue();
    }

    @Test
    void pseudonymisingAResponseIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ResponseSettings.on(Map.of("email", Action.PSEUDONYMIZE), Action.ANNOTATE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be pseudonymised");
    }
}
