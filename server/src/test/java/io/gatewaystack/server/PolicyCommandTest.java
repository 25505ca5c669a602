package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.server.cli.GatewayStackCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gatewaystack policy test|validate}: output and exit codes (0 allow/modify, 1 deny, 2 invalid). */
class PolicyCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new GatewayStackCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void theSeedShorthandAllowsTheDoctorAndDeniesTheNurse() throws Exception {
        Path policy = write("models.json",
                "{\"gpt-4-medical\": {\"requiredRoles\": [\"doctor\", \"physician_assistant\"], \"requiredScopes\": [\"medical:write\"]}}");
        Path doctor = write("doctor.json",
                "{\"identity\": {\"sub\": \"dr\", \"roles\": [\"doctor\"], \"scopes\": [\"medical:write\"]}, \"model\": \"gpt-4-medical\"}");
        Path nurse = write("nurse.json",
                "{\"identity\": {\"sub\": \"rn\", \"roles\": [\"nurse\"], \"scopes\": [\"medical:write\"]}, \"model\": \"gpt-4-medical\"}");

        assertThat(run("policy", "test", "--policy", policy.toString(), "--request", doctor.toString())).isZero();
        assertThat(out.toString()).contains("\"effect\" : \"allow\"", "\"rule\" : \"gpt-4-medical/allow\"", "\"decision_id\" : \"pd_");

        out.getBuffer().setLength(0);
        assertThat(run("policy", "test", "--policy", policy.toString(), "--request", nurse.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("\"effect\" : \"deny\"", "\"rule\" : \"gpt-4-medical/deny\"",
                "requires one of the roles doctor, physician_assistant");
    }

    @Test
    void modifyPrintsTheModificationsAndExitsZero() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("policies"));
        Files.writeString(folder.resolve("a.yaml"), """
                rules:
                  - {id: chat, effect: allow, when: {model: gpt-4o}}
                  - {id: free, effect: modify, when: {plan: free}, modify: {model: gpt-4o-mini, max_tokens: 512}}
                """);
        Path req = write("req.json", "{\"identity\": {\"sub\": \"u\", \"plan\": \"free\"}, \"model\": \"gpt-4o\", \"request\": {\"max_tokens\": 4000}}");
        assertThat(run("policy", "test", "--policy", folder.toString(), "--request", req.toString())).isZero();
        assertThat(out.toString()).contains("\"effect\" : \"modify\"", "\"model\" : \"gpt-4o-mini\"", "\"max_tokens\" : 512");
    }

    @Test
    void invalidPolicyOrRequestExits2WithLocatedErrors() throws Exception {
        Path bad = write("bad.yaml", "rules:\n  - id: r\n    effect: permit\n");
        Path req = write("req.json", "{\"model\": \"m\"}");
        assertThat(run("policy", "test", "--policy", bad.toString(), "--request", req.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("bad.yaml:3: rule r: effect must be allow, deny or modify");

        Path good = write("good.yaml", "rules:\n  - {id: r, effect: allow}\n");
        Path badReq = write("bad-req.json", "{\"identity\": {\"roles\": \"admin\"}}");
        assertThat(run("policy", "test", "--policy", good.toString(), "--request", badReq.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("roles must be a list of strings");
        assertThat(run("policy", "test", "--policy", good.toString(), "--request", write("x.json", "{not json").toString())).isEqualTo(2);
        assertThat(run("policy", "test", "--policy", good.toString())).as("missing option").isEqualTo(2);
    }

    @Test
    void validateChecksFilesTogether() throws Exception {
        Path a = write("a.yaml", "rules:\n  - {id: r, effect: allow}\n");
        Path b = write("b.yaml", "rules:\n  - {id: r, effect: deny}\n");
        assertThat(run("policy", "validate", a.toString())).isZero();
        assertThat(out.toString()).contains("ok: 1 rules from 1 file(s)");
        assertThat(run("policy", "validate", a.toString(), b.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("b.yaml:2: rule r: duplicate rule id");
    }

    @Test
    void policyCommandsHaveHelp() {
        for (String[] args : new String[][] {{"policy", "--help"}, {"policy", "test", "--help"}, {"policy", "validate", "--help"}}) {
            out.getBuffer().setLength(0);
            assertThat(run(args)).isZero();
            assertThat(out.toString()).contains("Usage: gatewaystack policy");
        }
    }
}
