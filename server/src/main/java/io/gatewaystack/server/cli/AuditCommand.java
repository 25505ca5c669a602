package io.gatewaystack.server.cli;

import io.gatewaystack.audit.AuditConfig;
import io.gatewaystack.audit.AuditVerifier;
import io.gatewaystack.audit.store.AuditSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gatewaystack audit}: work with the audit trail. */
@Command(name = "audit", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Work with the tamper-evident audit trail (docs/layers/audit.md).",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Erase.class})
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

    /** {@code gatewaystack audit erase --subject SUB --store FILE|JDBCURL}: GDPR erasure by crypto-shredding. */
    @Command(name = "erase", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = {"Erase a user from the audit trail by deleting their data keys (crypto-shredding): their events",
                    "stay, with an unreadable sub, and the hash chain still verifies. Needs the store the gateway writes",
                    "(SQLite file or JDBC URL) and the gateway's data key.",
                    "Exit code: 0 erased, 2 bad arguments or unreadable store."})
    public static final class Erase implements Callable<Integer> {

        @Option(names = "--subject", required = true, paramLabel = "SUB", description = "The user's sub (the token's subject).")
        String subject;

        @Option(names = "--store", paramLabel = "FILE|JDBCURL", description = "A SQLite file or a JDBC URL. Default: $DATABASE_URL.")
        String store;

        @Option(names = "--data-key-env", defaultValue = "GATEWAYSTACK_AUDIT_DATA_KEY", paramLabel = "VAR",
                description = "Environment variable holding the gateway's data key. Default: ${DEFAULT-VALUE}.")
        String dataKeyEnv;

        @Option(names = "--data-key-file", paramLabel = "FILE",
                description = "Read the data key from this file instead (base64:..., hex:... or text).")
        Path dataKeyFile;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String s = store != null ? store : System.getenv("DATABASE_URL");
            byte[] key;
            try {
                key = AuditConfig.parseKey(dataKeyFile != null ? java.nio.file.Files.readString(dataKeyFile).trim() : System.getenv(dataKeyEnv));
            } catch (RuntimeException | java.io.IOException e) {
                key = null;
            }
            if (key == null || key.length < 32) {
                err.println("no data key: set $" + dataKeyEnv + " (or --data-key-file) to the gateway's GATEWAYSTACK_AUDIT_DATA_KEY (at least 32 bytes)");
                err.flush();
                return 2;
            }
            if (s == null || s.isBlank() || subject.isBlank()) {
                err.println("pass --subject SUB and --store FILE|JDBCURL (or set DATABASE_URL)");
                err.flush();
                return 2;
            }
            try (AuditSource source = AuditSource.open(s)) {
                if (!(source instanceof io.gatewaystack.audit.store.JdbcAuditStore jdbc)) {
                    err.println("only the SQL store (SQLite or PostgreSQL) holds data keys; " + source.describe() + " is not one");
                    err.flush();
                    return 2;
                }
                String ref = new io.gatewaystack.audit.privacy.SubjectCipher(key).subjectRef(subject);
                int deleted = jdbc.eraseSubject(ref, System.currentTimeMillis());
                out.printf("erased %s: %d data key(s) deleted (%s); their events remain with an unreadable sub and the chain still verifies%n",
                        subject, deleted, source.describe());
                out.flush();
                return 0;
            } catch (Exception e) {
                err.println("cannot erase in the audit store " + s.replaceAll("(?i)(password=)[^&]*", "$1***") + ": " + e.getMessage());
                err.flush();
                return 2;
            }
        }
    }
}
