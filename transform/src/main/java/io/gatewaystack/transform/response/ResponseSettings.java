package io.gatewaystack.transform.response;

import io.gatewaystack.transform.redact.Action;
import io.gatewaystack.transform.redact.ActionPolicy;
import java.util.Map;
import java.util.Objects;

/**
 * Whether and how a route's responses are scanned (the model's answer, a tool's result, a proxied JSON body).
 *
 * @param enabled       scan responses at all
 * @param actions       per-type actions on the response; {@link Action#PSEUDONYMIZE} is refused (nothing would
 *                      restore it), {@link Action#BLOCK} refuses the answer (see {@link StreamingRedactor} for
 *                      what that means once a stream has started)
 * @param holdbackChars how many chars of a streamed text are held back unscanned-for-good: a finding no longer
 *                      than this is always seen whole before any of it is sent, whatever the chunking
 */
public record ResponseSettings(boolean enabled, ActionPolicy actions, int holdbackChars) {

    public static final int DEFAULT_HOLDBACK = 128;
    /** Response scanning off. */
    public static final ResponseSettings OFF = new ResponseSettings(false, ActionPolicy.all(Action.ANNOTATE), DEFAULT_HOLDBACK);

    public ResponseSettings {
        Objects.requireNonNull(actions, "actions");
        if (actions.defaultAction() == Action.PSEUDONYMIZE || actions.perType().containsValue(Action.PSEUDONYMIZE)) {
            throw new IllegalArgumentException("a response cannot be pseudonymised (nothing would restore it); use placeholder or mask");
        }
        if (holdbackChars < 16 || holdbackChars > 65_536) {
            throw new IllegalArgumentException("holdbackChars must be 16..65536, was " + holdbackChars);
        }
    }

    /** Scanning on, with these actions per type and {@code defaultAction} for the rest. */
    public static ResponseSettings on(Map<String, Action> perType, Action defaultAction) {
        return new ResponseSettings(true, new ActionPolicy(perType, defaultAction, 2), DEFAULT_HOLDBACK);
    }
}
