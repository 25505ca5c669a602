package io.gatewaystack.transform.detect;

/**
 * Where in the text a built-in detector wants to be asked. The scanner walks the text once and calls each detector
 * only at its trigger positions, so adding a detector does not add a pass over the text.
 */
public enum Trigger {
    /** The first char of a run of letters, digits or '_' (the char before is not one of those). */
    WORD_START,
    /** A digit that starts a word, or a '+' or '(' directly before a digit (phone numbers). */
    NUMBER_START,
    /** An '@' (email addresses). */
    AT_SIGN,
    /** A '-' that is not inside a word (PEM armour lines). */
    DASH,
    /** An '=' or ':' (assignments such as {@code password=...}; the detector looks back for the name). */
    ASSIGNMENT,
    /** A "::" that is not inside a word (IPv6 addresses written with a leading "::"). */
    DOUBLE_COLON
}
