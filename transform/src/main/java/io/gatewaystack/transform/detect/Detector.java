package io.gatewaystack.transform.detect;

import java.util.List;

/**
 * A built-in detector. It is called by {@link ContentScanner} at the positions its {@link #trigger()} names and
 * looks only a bounded distance from there, which keeps the whole scan linear in the text length (no regex
 * backtracking anywhere on the built-in path).
 */
public interface Detector {

    /** The type names this detector can report (for configuration and docs). */
    List<String> types();

    Trigger trigger();

    /**
     * Whether a match can begin with this (ASCII) char at a trigger position. The scanner asks once per char at
     * construction and then calls the detector only where it can match, so a lower-case word never reaches the
     * IBAN or MRZ detector.
     */
    default boolean canStartWith(char c) {
        return true;
    }

    /**
     * Whether a match can start at a word made only of ASCII lower-case letters that ends at a char other than a
     * word char, {@code '-'} or {@code ':'} (so at "could " or "value,"). Answering false lets the scanner skip such
     * words, most of a prose text, in one step. Only for word-start detectors; the safe default is true.
     */
    default boolean mayStartPlainLowercaseWord() {
        return true;
    }

    /**
     * Looks for a match around {@code pos} and adds what it finds to {@code out}. Must not throw on any input and
     * must look at most a bounded number of chars (or use {@link ScanState} to share a longer search).
     */
    void detectAt(String text, int pos, ScanState state, List<Finding> out);
}
