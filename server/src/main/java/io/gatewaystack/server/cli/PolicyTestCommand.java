package io.gatewaystack.server.cli;

import io.gatewaystack.policy.Decision;
import io.gatewaystack.policy.DecisionJson;
import io.gatewaystack.policy.PolicyEvaluationException;
import io.gatewaystack.policy.PolicyInput;
import io.gatewaystack.policy.PolicyLoadException;
import io.gatewaystack.policy.PolicyLoader;
import io.gatewaystack.policy.PolicyProblem;
import io.gatewaystack.policy.PolicyRequestJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code gatewaystack policy test --policy FILE|DIR --request REQ.json}: prints the decision as JSON and exits
 * 0 for allow or modify, 1 for deny, 2 for an invalid policy or request — for CI pipelines.
 */
@Command(name = "test", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Decide one described request against a policy and print the decision as JSON.",
                "Exit code: 0 allow or modify, 1 deny, 2 invalid policy or request."})
public final class PolicyTestCommand implements Callable<Integer> {

    static final int DENIED = 1;

    @Option(names = "--policy", required = true, paramLabel = "FILE|DIR",
            description = "A policy file (YAML or JSON, also the seed's shorthand form) or a folder of them.")
    Path policy;

    @Option(names = "--request", required = true, paramLabel = "REQ.json",
            description = "The request as the engine sees it: {\"identity\":{\"sub\",\"org\",\"tenant\",\"plan\",\"roles\",\"scopes\","
                    + "\"claims\"},\"route\",\"method\",\"model\",\"provider\",\"tool\",\"content\":{\"labels\",\"pii\",\"risk_score\"},"
                    + "\"request\":{\"max_tokens\",\"stream\",\"time\"}}; every field optional.")
    Path request;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        JsonMapper json = JsonMapper.builder().build();
        PolicyInput input;
        try {
            input = PolicyRequestJson.parse(json.readTree(Files.readString(request)));
        } catch (IOException | JacksonException | IllegalArgumentException e) {
            err.println("gatewaystack: invalid request " + request + ": " + message(e));
            err.flush();
            return PolicyCommand.INVALID;
        }
        Decision decision;
        try {
            decision = new PolicyLoader().load(policy).decide(input);
        } catch (PolicyLoadException e) {
            for (PolicyProblem p : e.problems()) {
                err.println("gatewaystack: invalid policy: " + p);
            }
            err.flush();
            return PolicyCommand.INVALID;
        } catch (PolicyEvaluationException e) {
            err.println("gatewaystack: the policy cannot be evaluated for this request (the gateway would answer 503): "
                    + e.getMessage());
            err.flush();
            return PolicyCommand.INVALID;
        }
        out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(DecisionJson.of(decision)));
        out.flush();
        return decision.denied() ? DENIED : 0;
    }

    private static String message(Exception e) {
        return e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
    }
}
