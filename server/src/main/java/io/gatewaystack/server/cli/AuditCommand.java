package io.gatewaystack.server.cli;

import io.gatewaystack.audit.AuditConfig;
import io.gatewaystack.audit.AuditVerifier;
import io.gatewaystack.audit.store.AuditSource;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gatewaystack audit}: work with the audit trail. */
@Command(name = "audit", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Work with the tamper-evident audit trail (docs/layers/audit.md).",
        subcommands = {AuditCommand.Verify.class})
public final class AuditCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code gatewaystack audit verify --store FILE|JDBCURL}. */
    @Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = {"Re-check an audit store: every event's hash, every link, no gaps, column copies, seals.",
                    "Exit code: 0 intact, 1 broken (the first broken link is printed), 2 the store cannot be read."})
    public static final class Verify implements Callable<Integer> {

        @Option(names = "--store", required = true, paramLabel = "FILE|JDBCURL",
                description = "A SQLite file, a JSON-lines file, or a JDBC URL (jdbc:postgresql://...).")
        String store;

        @Option(names = "--seal-key-env", defaultValue = "GATEWAYSTACK_AUDIT_SEAL_KEY", paramLabel = "VAR",
                description = "Environment variable holding the seal key (base64:..., hex:... or text). Without a key "
                        + "seal signatures are not checked. Default: ${DEFAULT-VALUE}.")
        String sealKeyEnv;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            byte[] key = AuditConfig.parseKey(System.getenv(sealKeyEnv));
            try (AuditSource source = AuditSource.open(store)) {
                AuditVerifier.Result r = new AuditVerifier(key).verify(source);
                if (r.ok()) {
                    out.printf("OK: %d events in %d chain(s), %d seal(s) %s (%s)%n", r.events(), r.chains(), r.seals(),
                            r.sealsSigned() ? "with valid signatures" : "checked against the chain, signatures NOT checked (no key in $" + sealKeyEnv + ")",
                            source.describe());
                    out.flush();
                    return 0;
                }
                out.printf("BROKEN: %s%n", r.firstBroken());
                out.printf("checked %d events before the first broken link (%s)%n", r.events(), source.describe());
                out.flush();
                return 1;
            } catch (Exception e) {
                err.println("cannot read the audit store " + store.replaceAll("(?i)(password=)[^&]*", "$1***") + ": " + e.getMessage());
                err.flush();
                return 2;
            }
        }
    }
}
