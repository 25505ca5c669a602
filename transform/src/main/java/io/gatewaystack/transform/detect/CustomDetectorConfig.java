package io.gatewaystack.transform.detect;

import java.util.List;
import java.util.Objects;

/**
 * A detector defined in configuration.
 *
 * @param name         the finding type, lower case ({@code [a-z][a-z0-9_]*}), e.g. {@code employee_id}
 * @param regex        an RE2 pattern (no backreferences or lookaround; linear-time matching)
 * @param validator    an extra check on the matched text
 * @param contextWords when not empty, a match counts only if one of these words occurs in the
 *                     {@value CustomDetector#CONTEXT_WINDOW} chars before it (case-insensitive)
 * @param confidence   0..1
 * @param label        the classification label a match adds (default {@code pii})
 */
public record CustomDetectorConfig(String name, String regex, Validator validator, List<String> contextWords,
                                   double confidence, String label) {

    public CustomDetectorConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(regex, "regex");
        validator = validator == null ? Validator.NONE : validator;
        contextWords = contextWords == null ? List.of() : List.copyOf(contextWords);
        label = label == null ? "pii" : label;
    }

    public static CustomDetectorConfig of(String name, String regex) {
        return new CustomDetectorConfig(name, regex, Validator.NONE, List.of(), 0.8, "pii");
    }

    /** Checks a custom detector can run on the matched text. */
    public enum Validator {
        NONE, LUHN, MOD97;

        boolean accepts(CharSequence match) {
            return switch (this) {
                case NONE -> true;
                case LUHN -> Checksums.luhn(match);
                case MOD97 -> Checksums.ibanMod97(match);
            };
        }

        /** Parses a config value: {@code none}, {@code luhn} or {@code mod97}. */
        public static Validator parse(String value) {
            return switch (value == null ? "none" : value.toLowerCase(java.util.Locale.ROOT)) {
                case "none" -> NONE;
                case "luhn" -> LUHN;
                case "mod97" -> MOD97;
                default -> throw new InvalidDetectorException("unknown validator '" + value + "' (use none, luhn or mod97)");
            };
        }
    }
}
