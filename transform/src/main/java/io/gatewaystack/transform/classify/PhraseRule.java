package io.gatewaystack.transform.classify;

import java.util.regex.Pattern;

/**
 * One heuristic: when {@code pattern} matches at the start of a word equal to {@code firstWord}, the text earns
 * {@code weight} points towards {@code label}.
 *
 * @param label     the label it supports
 * @param weight    {@link HeuristicClassifier#STRONG} or {@link HeuristicClassifier#WEAK}
 * @param firstWord the lower-case first word (the index key)
 * @param pattern   anchored at the word (case-insensitive, applied with lookingAt on a bounded region); simple
 *                  shapes only (no nested quantifiers)
 */
public record PhraseRule(String label, int weight, String firstWord, Pattern pattern) {

    /** A rule from a phrase written as a regex, e.g. {@code "diagnosed\\s+with"}; the first word is derived. */
    public static PhraseRule of(String label, int weight, String regex) {
        int end = 0;
        while (end < regex.length() && (Character.isLetterOrDigit(regex.charAt(end)) || regex.charAt(end) == '_')) end++;
        if (end == 0 || (end < regex.length() && "?*+({|".indexOf(regex.charAt(end)) >= 0)) {
            throw new IllegalArgumentException("phrase must start with a whole literal word: " + regex);
        }
        String first = regex.substring(0, end).toLowerCase(java.util.Locale.ROOT);
        // a phrase ending in a word must end at a word boundary ("lawsuit" is not "lawsuits-r-us" ... but "eval(" is whole)
        boolean endsInWord = regex.endsWith(")") || regex.endsWith("?") || Character.isLetterOrDigit(regex.charAt(regex.length() - 1));
        boolean endsEscaped = regex.length() > 1 && regex.charAt(regex.length() - 2) == '\\';
        String full = endsInWord && !endsEscaped ? regex + "(?![A-Za-z0-9_])" : regex;
        return new PhraseRule(label, weight, first, Pattern.compile(full, Pattern.CASE_INSENSITIVE));
    }
}
