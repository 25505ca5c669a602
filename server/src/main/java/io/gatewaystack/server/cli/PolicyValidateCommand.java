package io.gatewaystack.server.cli;

import io.gatewaystack.policy.PolicyLoadException;
import io.gatewaystack.policy.PolicyLoader;
import io.gatewaystack.policy.PolicyProblem;
import io.gatewaystack.policy.PolicySet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code gatewaystack policy validate FILE...}: loads the files as one policy, as the server does; exit 0 or 2. */
@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Check policy files (or folders) the way the gateway loads them: together, as one policy.",
                "Prints every problem with file, line and rule. Exit code: 0 valid, 2 invalid."})
public final class PolicyValidateCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Policy files or folders.")
    List<Path> files;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            PolicySet set = new PolicyLoader().load(files);
            out.println("ok: " + set.ruleCount() + " rules from " + set.sources().size() + " file(s)");
            out.flush();
            return 0;
        } catch (PolicyLoadException e) {
            for (PolicyProblem p : e.problems()) {
                err.println(p);
            }
            err.flush();
            return PolicyCommand.INVALID;
        }
    }
}
