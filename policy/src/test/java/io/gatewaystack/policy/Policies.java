package io.gatewaystack.policy;

/** Test helpers: a policy from YAML text, a decision in one line. */
final class Policies {

    private Policies() {}

    static PolicySet yaml(String text) {
        try {
            return new PolicyLoader().parse("test.yaml", text);
        } catch (PolicyLoadException e) {
            throw new AssertionError("policy did not load: " + e.getMessage(), e);
        }
    }

    static PolicyLoadException problems(String name, String text) {
        try {
            new PolicyLoader().parse(name, text);
        } catch (PolicyLoadException e) {
            return e;
        }
        throw new AssertionError("policy loaded but should not have");
    }
}
