package io.gatewaystack.transform.detect;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * A detector from configuration, compiled once at load. Patterns are compiled with RE2/J, whose automaton runs in
 * time linear in the input: there is no backtracking, so no pattern can be catastrophically slow, and constructs
 * that need backtracking (backreferences, lookaround) are refused at load. A pattern that can match the empty
 * string is refused too (it would "find" something everywhere).
 */
public final class CustomDetector {

    public static final int CONTEXT_WINDOW = 50;
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z][a-z0-9_]{0,63}");
    /** Probe texts: a pattern matching empty at any of these can match empty in real text. */
    private static final String[] EMPTY_PROBES = {"", " ", "a", "0", "a b", "-", "\n"};

    private final CustomDetectorConfig config;
    private final Pattern pattern;
    private final String[] context;

    private CustomDetector(CustomDetectorConfig config, Pattern pattern) {
        this.config = config;
        this.pattern = pattern;
        this.context = config.contextWords().stream().map(w -> w.toLowerCase(Locale.ROOT)).toArray(String[]::new);
    }

    /** Compiles and checks a configured detector. */
    public static CustomDetector compile(CustomDetectorConfig config) {
        String name = config.name();
        if (!NAME.matcher(name).matches()) {
            throw new InvalidDetectorException("custom detector name '" + name + "' must match [a-z][a-z0-9_]*");
        }
        if (config.confidence() < 0 || config.confidence() > 1) {
            throw new InvalidDetectorException("custom detector '" + name + "': confidence must be between 0 and 1");
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(config.regex());
        } catch (PatternSyntaxException e) {
            throw new InvalidDetectorException("custom detector '" + name + "': pattern is not valid RE2 syntax "
                    + "(backreferences and lookaround are not supported because they can backtrack catastrophically): "
                    + e.getMessage());
        }
        for (String probe : EMPTY_PROBES) {
            Matcher m = pattern.matcher(probe);
            while (m.find()) {
                if (m.end() == m.start()) {
                    throw new InvalidDetectorException("custom detector '" + name + "': pattern /" + config.regex()
                            + "/ can match the empty string; make at least one element required");
                }
            }
        }
        return new CustomDetector(config, pattern);
    }

    public String type() {
        return config.name();
    }

    public String label() {
        return config.label();
    }

    /** Adds every match in {@code text} that passes the validator and context rule. */
    public void scan(String text, List<Finding> out) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            int start = m.start();
            int end = m.end();
            if (end == start) continue; // defensive: refused at load
            // RE2/J works on chars: a match edge inside a surrogate pair is widened to the whole code point.
            if (start > 0 && Character.isLowSurrogate(text.charAt(start)) && Character.isHighSurrogate(text.charAt(start - 1))) start--;
            if (end < text.length() && Character.isLowSurrogate(text.charAt(end)) && Character.isHighSurrogate(text.charAt(end - 1))) end++;
            if (!config.validator().accepts(text.subSequence(start, end))) continue;
            if (context.length > 0 && !Chars.contextBefore(text, start, CONTEXT_WINDOW, context)) continue;
            out.add(new Finding(config.name(), start, end, config.confidence()));
        }
    }
}
