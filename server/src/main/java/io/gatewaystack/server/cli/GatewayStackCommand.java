package io.gatewaystack.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code gatewaystack}: the command line. {@code serve} runs the gateway, {@code demo} runs it with a dev issuer,
 * {@code scan} runs the transform layer's detectors over a file.
 */
@Command(name = "gatewaystack",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "User-scoped AI governance gateway: verified identity, policy, limits, routing and audit for "
                + "every model and tool call.",
        subcommands = {ServeCommand.class, DemoCommand.class, PolicyCommand.class, ScanCommand.class, AuditCommand.class, UsageCommand.class,
                CommandLine.HelpCommand.class})
public final class GatewayStackCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        int code = new CommandLine(new GatewayStackCommand()).execute(args);
        System.exit(code);
    }
}
