package io.gatewaystack.policy;

import java.util.regex.Pattern;

/** Globs: {@code *} is any run of characters (including none), {@code ?} exactly one; the rest is literal. */
final class Glob {

    private Glob() {}

    static String toRegex(String glob) {
        StringBuilder out = new StringBuilder(glob.length() + 8);
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    out.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                out.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            out.append(Pattern.quote(literal.toString()));
        }
        return out.toString();
    }
}
