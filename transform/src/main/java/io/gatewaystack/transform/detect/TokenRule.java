package io.gatewaystack.transform.detect;

/**
 * A secret recognised by a fixed prefix and a body of a known alphabet and length (vendor tokens: GitHub, Slack,
 * AWS key ids, ...).
 *
 * @param prefix     what the token starts with, case-sensitive
 * @param type       the finding type
 * @param minBody    the fewest chars after the prefix
 * @param maxBody    the most chars after the prefix
 * @param alphabet   which chars the body may contain
 * @param confidence for a match
 */
public record TokenRule(String prefix, String type, int minBody, int maxBody, Alphabet alphabet, double confidence) {

    /** Body alphabets. */
    public enum Alphabet {
        UPPER_ALNUM, ALNUM, ALNUM_UNDERSCORE, BASE64URL;

        boolean accepts(char c) {
            return switch (this) {
                case UPPER_ALNUM -> Chars.isUpper(c) || Chars.isDigit(c);
                case ALNUM -> Chars.isAsciiAlnum(c);
                case ALNUM_UNDERSCORE -> Chars.isAsciiAlnum(c) || c == '_';
                case BASE64URL -> Chars.isBase64Url(c);
            };
        }
    }
}
