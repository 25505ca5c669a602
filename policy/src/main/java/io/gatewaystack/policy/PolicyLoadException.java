package io.gatewaystack.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A policy could not be loaded; every problem found is listed, each naming file, line and rule. */
public final class PolicyLoadException extends Exception {

    private final List<PolicyProblem> problems;

    public PolicyLoadException(List<PolicyProblem> problems) {
        super(problems.stream().map(PolicyProblem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<PolicyProblem> problems() {
        return problems;
    }
}
