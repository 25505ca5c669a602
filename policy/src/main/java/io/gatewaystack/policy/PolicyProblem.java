package io.gatewaystack.policy;

/**
 * One thing wrong with a policy file, located for the person who has to fix it.
 *
 * @param file   the file (as given), or a name like {@code TOOL_SCOPES_JSON}
 * @param line   1-based line, or 0 when unknown
 * @param ruleId the rule it concerns, or null
 * @param message what is wrong
 */
public record PolicyProblem(String file, int line, String ruleId, String message) {
    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + (ruleId != null ? ": rule " + ruleId : "") + ": " + message;
    }
}
