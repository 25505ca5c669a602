package io.gatewaystack.transform.detect;

import java.util.List;

/**
 * Vendor tokens with a fixed prefix. Rules are checked longest prefix first ({@code sk-ant-} before {@code sk-}),
 * and only for the rules whose prefix starts with the word's first char.
 */
public final class TokenPrefixDetector implements Detector {

    /** The built-in rules (formats as published by each vendor). */
    public static final List<TokenRule> RULES = List.of(
            new TokenRule("AKIA", "aws_access_key", 16, 16, TokenRule.Alphabet.UPPER_ALNUM, 0.95),
            new TokenRule("ASIA", "aws_access_key", 16, 16, TokenRule.Alphabet.UPPER_ALNUM, 0.95),
            new TokenRule("AIza", "gcp_api_key", 35, 35, TokenRule.Alphabet.BASE64URL, 0.95),
            new TokenRule("github_pat_", "github_token", 22, 255, TokenRule.Alphabet.ALNUM_UNDERSCORE, 0.95),
            new TokenRule("ghp_", "github_token", 36, 255, TokenRule.Alphabet.ALNUM, 0.95),
            new TokenRule("gho_", "github_token", 36, 255, TokenRule.Alphabet.ALNUM, 0.95),
            new TokenRule("ghs_", "github_token", 36, 255, TokenRule.Alphabet.ALNUM, 0.95),
            new TokenRule("ghu_", "github_token", 36, 255, TokenRule.Alphabet.ALNUM, 0.95),
            new TokenRule("ghr_", "github_token", 36, 255, TokenRule.Alphabet.ALNUM, 0.95),
            new TokenRule("glpat-", "gitlab_token", 20, 255, TokenRule.Alphabet.BASE64URL, 0.95),
            new TokenRule("xoxb-", "slack_token", 10, 255, TokenRule.Alphabet.BASE64URL, 0.9),
            new TokenRule("xoxa-", "slack_token", 10, 255, TokenRule.Alphabet.BASE64URL, 0.9),
            new TokenRule("xoxp-", "slack_token", 10, 255, TokenRule.Alphabet.BASE64URL, 0.9),
            new TokenRule("xoxr-", "slack_token", 10, 255, TokenRule.Alphabet.BASE64URL, 0.9),
            new TokenRule("xoxs-", "slack_token", 10, 255, TokenRule.Alphabet.BASE64URL, 0.9),
            new TokenRule("sk-ant-", "anthropic_api_key", 32, 255, TokenRule.Alphabet.BASE64URL, 0.95),
            new TokenRule("sk-proj-", "openai_api_key", 32, 255, TokenRule.Alphabet.BASE64URL, 0.95),
            new TokenRule("sk-", "openai_api_key", 20, 255, TokenRule.Alphabet.BASE64URL, 0.85));

    /** rules indexed by the prefix's first char, longest prefix first */
    private final TokenRule[][] byFirstChar = new TokenRule[128][];

    public TokenPrefixDetector() {
        for (char c = 0; c < 128; c++) {
            final char first = c;
            TokenRule[] rules = RULES.stream().filter(r -> r.prefix().charAt(0) == first)
                    .sorted((a, b) -> b.prefix().length() - a.prefix().length()).toArray(TokenRule[]::new);
            byFirstChar[c] = rules.length == 0 ? null : rules;
        }
    }

    @Override
    public List<String> types() {
        return RULES.stream().map(TokenRule::type).distinct().toList();
    }

    @Override public Trigger trigger() { return Trigger.WORD_START; }
    @Override public boolean canStartWith(char c) { return c < 128 && byFirstChar[c] != null; }

    /** False: every lower-case token prefix holds a '-' or '_' ("sk-", "ghp_", "xoxb-", "glpat-", "github_pat_"). */
    @Override public boolean mayStartPlainLowercaseWord() { return false; }

    @Override
    public void detectAt(String text, int pos, ScanState state, List<Finding> out) {
        char c = text.charAt(pos);
        TokenRule[] rules = c < 128 ? byFirstChar[c] : null;
        if (rules == null) return;
        int n = text.length();
        for (TokenRule rule : rules) {
            String prefix = rule.prefix();
            if (!text.startsWith(prefix, pos)) continue;
            int bodyStart = pos + prefix.length();
            int i = bodyStart;
            int limit = Math.min(n, bodyStart + rule.maxBody() + 1);
            while (i < limit && rule.alphabet().accepts(text.charAt(i))) i++;
            int body = i - bodyStart;
            if (body < rule.minBody() || body > rule.maxBody()) return;
            if (i < n && (Chars.isWord(text.charAt(i)) || rule.alphabet().accepts(text.charAt(i)))) return;
            out.add(new Finding(rule.type(), pos, i, rule.confidence()));
            return;
        }
    }
}
