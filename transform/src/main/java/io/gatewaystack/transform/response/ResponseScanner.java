package io.gatewaystack.transform.response;

import io.gatewaystack.transform.classify.HeuristicClassifier;
import io.gatewaystack.transform.detect.ContentScanner;
import io.gatewaystack.transform.detect.Finding;
import io.gatewaystack.transform.json.BodyShape;
import io.gatewaystack.transform.json.JsonEscapes;
import io.gatewaystack.transform.json.JsonTextWalker;
import io.gatewaystack.transform.json.TextSlot;
import io.gatewaystack.transform.redact.Action;
import io.gatewaystack.transform.redact.TextRedactor;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Scans responses with a route's detectors and {@link ResponseSettings}: whole JSON bodies (a non-streamed answer,
 * a tool result), whole texts, or text streams ({@link StreamingRedactor}). Immutable and thread-safe; the
 * findings of one response collect in its own {@link ResponseFindings}.
 *
 * <p>The built-in phrase classifier runs on responses too (when the configuration classifies), tallied over the
 * whole response, streamed or not, for its labels and risk score in the request context and the audit event;
 * {@link ResponseFindings#labels()} leaves out {@code code_injection} (an answer full of code is no attack).
 * Pluggable classifiers run on requests only. Responses are refused by type ({@link Action#BLOCK}), not by risk
 * score.
 */
public final class ResponseScanner {

    private final ContentScanner scanner;
    private final ResponseSettings settings;
    private final JsonTextWalker walker;
    /** null when the configuration does not classify */
    private final HeuristicClassifier classifier;

    /** A scanner without classification. */
    public ResponseScanner(ContentScanner scanner, ResponseSettings settings, JsonTextWalker walker) {
        this(scanner, settings, walker, null);
    }

    /** @param classifier the phrase classifier for the response's labels, or null for none */
    public ResponseScanner(ContentScanner scanner, ResponseSettings settings, JsonTextWalker walker,
                           HeuristicClassifier classifier) {
        this.scanner = scanner;
        this.settings = settings;
        this.walker = walker;
        this.classifier = classifier;
    }

    public ResponseSettings settings() {
        return settings;
    }

    /**
     * Scans the text fields of a JSON response of this shape and writes the changed ones back (in place), unless a
     * BLOCK type was found (then nothing is written; {@code into.blocked()} tells). Returns whether text changed.
     */
    public boolean scanJson(JsonNode root, BodyShape shape, ResponseFindings into) {
        List<TextSlot> changed = new ArrayList<>();
        List<String> replacements = new ArrayList<>();
        for (TextSlot slot : walker.texts(root, shape)) {
            String out = slot.holdsJson() ? scanJsonText(slot.text(), into) : scanText(slot.text(), into);
            if (out != slot.text()) {
                changed.add(slot);
                replacements.add(out);
            }
        }
        if (into.blocked()) return false;
        for (int i = 0; i < changed.size(); i++) changed.get(i).set(replacements.get(i));
        return !changed.isEmpty();
    }

    /** One whole text after the response actions; the same instance when nothing changed. */
    public String scanText(String text, ResponseFindings into) {
        return scan(text, text, into);
    }

    /**
     * A JSON document written as text (a tool call's arguments) after the response actions: scanned with its
     * escape sequences blanked ({@link JsonEscapes}), so no finding takes in part of one; the same instance when
     * nothing changed.
     */
    public String scanJsonText(String json, ResponseFindings into) {
        return scan(json, JsonEscapes.blank(json), into);
    }

    /** Scans {@code view} (the text, or the text with its JSON escapes blanked: same offsets), changes {@code text}. */
    private String scan(String text, String view, ResponseFindings into) {
        if (classifier != null) into.addRules(classifier.matches(view, 0, view.length()));
        List<Finding> findings = scanner.scan(view);
        if (findings.isEmpty()) return text;
        StringBuilder out = null;
        int copied = 0;
        for (Finding f : findings) {
            Action a = into.record(f, settings.actions());
            if (!a.changesText()) continue;
            if (out == null) out = new StringBuilder(text.length());
            out.append(text, copied, f.start()).append(TextRedactor.replacement(a, f.type(),
                    text.substring(f.start(), f.end()), settings.actions().maskKeep(), null));
            copied = f.end();
        }
        if (out == null) return text;
        return out.append(text, copied, text.length()).toString();
    }

    /** A scanner for one streamed text (one choice, one content block, one raw body). */
    public StreamingRedactor stream(ResponseFindings into) {
        return new StreamingRedactor(scanner, settings.actions(), into, settings.holdbackChars(), classifier, false);
    }

    /** A scanner for one streamed JSON text (a tool call's arguments in fragments), escapes blanked as in {@link #scanJsonText}. */
    public StreamingRedactor jsonStream(ResponseFindings into) {
        return new StreamingRedactor(scanner, settings.actions(), into, settings.holdbackChars(), classifier, true);
    }
}
