package io.gatewaystack.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gatewaystack policy}: work with policy files without running the gateway. */
@Command(name = "policy", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Test and validate policy files (docs/policy.md).",
        subcommands = {PolicyTestCommand.class, PolicyValidateCommand.class})
public final class PolicyCommand implements Runnable {

    /** Exit code for an invalid policy or request, as for a bad config. */
    static final int INVALID = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
