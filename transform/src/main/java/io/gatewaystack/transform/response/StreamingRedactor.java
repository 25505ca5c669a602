package io.gatewaystack.transform.response;

import io.gatewaystack.transform.classify.HeuristicClassifier;
import io.gatewaystack.transform.detect.ContentScanner;
import io.gatewaystack.transform.detect.Finding;
import io.gatewaystack.transform.json.JsonEscapes;
import io.gatewaystack.transform.redact.Action;
import io.gatewaystack.transform.redact.ActionPolicy;
import io.gatewaystack.transform.redact.TextRedactor;
import java.util.List;

/**
 * Scans a text that arrives in chunks (a streamed answer) and applies the response actions, without holding the
 * whole stream: it sends everything except the last {@code holdback} chars, so a finding of at most that length
 * is always seen whole before any of it goes out, wherever the chunks split it ({@code "alice@exa"} +
 * {@code "mple.com"}).
 *
 * <ul>
 *   <li>A window is scanned only once {@code holdback / 2} new chars have come, so each char is scanned about
 *       three times, and the client sees the text at most {@code 1.5 × holdback} chars late.</li>
 *   <li>A finding that reaches into the held-back tail holds back from its start, so a longer secret (a PEM
 *       key) is not cut in two; at most {@link #MAX_HOLD} chars, after which its first part is acted on alone.</li>
 *   <li>The last {@link #CONTEXT} chars already sent stay in the window as context (a date of birth needs the word
 *       "born" before it) but are never reported or changed again.</li>
 *   <li>The phrase classifier (when given) reads each word in the window where it is sent, with the held-back
 *       tail after it, so the stream's matched rules are those of the whole text when a phrase is no longer than
 *       the hold-back.</li>
 *   <li>A finding whose action is {@link Action#BLOCK} stops the stream: from then on nothing is emitted, the text
 *       held back (which contains the finding) is dropped, and {@link #blocked()} is true. The caller ends the
 *       stream with an error of its protocol.</li>
 * </ul>
 * One instance per text stream; not thread-safe.
 */
public final class StreamingRedactor {

    /** Chars of already-sent text kept as context for the next window. */
    static final int CONTEXT = 64;
    /** The longest a single finding can hold the stream back. */
    public static final int MAX_HOLD = 32 * 1024;

    private final ContentScanner scanner;
    private final ActionPolicy policy;
    private final ResponseFindings findings;
    private final int holdback;
    private final StringBuilder window = new StringBuilder();
    /** chars at the start of {@link #window} that were already sent (context only) */
    private int sent;
    private boolean blocked;
    /** null: no classification */
    private final HeuristicClassifier classifier;
    /** the text is JSON (tool call arguments): scan it with its escape sequences blanked */
    private final boolean json;

    StreamingRedactor(ContentScanner scanner, ActionPolicy policy, ResponseFindings findings, int holdback,
                      HeuristicClassifier classifier, boolean json) {
        this.scanner = scanner;
        this.policy = policy;
        this.findings = findings;
        this.holdback = holdback;
        this.classifier = classifier;
        this.json = json;
    }

    /** Adds a chunk; returns the text that can be sent now (often empty: the tail waits). */
    public String push(CharSequence chunk) {
        if (blocked) return "";
        window.append(chunk);
        if (window.length() - sent < holdback + holdback / 2) return "";
        return emit(false);
    }

    /** The end of the text: scans and returns what was held back. */
    public String finish() {
        if (blocked || window.length() == sent) return "";
        return emit(true);
    }

    /** A finding with a BLOCK action was seen; nothing more will be emitted. */
    public boolean blocked() {
        return blocked;
    }

    private String emit(boolean all) {
        String text = window.toString();
        int len = text.length();
        // JSON: escapes blanked, same offsets (a window starting inside an escape only blurs the context chars)
        String view = json ? JsonEscapes.blank(text) : text;
        List<Finding> found = scanner.scan(view);
        for (Finding f : found) {
            if (f.start() >= sent && policy.actionFor(f.type()) == Action.BLOCK) {
                findings.record(f, policy);
                blocked = true;
                window.setLength(0);
                return "";
            }
        }
        int cut = all ? len : len - holdback;
        if (!all) {
            for (Finding f : found) {
                if (f.start() >= sent && f.start() < cut && f.end() > cut) {
                    cut = f.start(); // findings are disjoint and sorted: no earlier one spans the new cut
                    break;
                }
            }
            if (cut <= sent && len - sent > MAX_HOLD) cut = len - holdback; // a finding too long to hold whole
            if (cut > sent && Character.isHighSurrogate(text.charAt(cut - 1))) cut--;
            if (cut <= sent) return "";
        }
        // the classifier's words that start in the part sent now, with the held-back tail still after them: each
        // word is classified once, with as much text after it as a whole-text classification would see
        if (classifier != null) findings.addRules(classifier.matches(view, sent, cut));
        StringBuilder out = new StringBuilder(cut - sent + 16);
        int copied = sent;
        for (Finding f : found) {
            if (f.start() < sent) continue; // decided in an earlier window
            if (f.start() >= cut) break;
            Action a = findings.record(f, policy);
            if (!a.changesText()) continue;
            int end = Math.min(f.end(), cut);
            out.append(text, copied, f.start());
            out.append(TextRedactor.replacement(a, f.type(), text.substring(f.start(), end), policy.maskKeep(), null));
            copied = end;
        }
        out.append(text, copied, cut);
        int keepFrom = Math.max(0, cut - CONTEXT);
        if (keepFrom > 0 && Character.isLowSurrogate(text.charAt(keepFrom))) keepFrom--;
        window.delete(0, keepFrom);
        sent = cut - keepFrom;
        return out.toString();
    }
}
