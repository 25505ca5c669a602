package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.server.cli.GatewayStackCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CommandLineTest {

    @Test
    void aBadConfigFileStopsTheStartWithExitCode2() throws Exception {
        Path dir = Files.createTempDirectory("gw-cli");
        Path bad = dir.resolve("gateway.yaml");
        Files.writeString(bad, "identity:\n  issuers:\n    - issuer: https://idp.example\n      audiences: []\n");
        int code = new CommandLine(new GatewayStackCommand()).execute("serve", "--config", bad.toString());
        assertThat(code).isEqualTo(2);
        assertThat(new CommandLine(new GatewayStackCommand()).execute("serve", "--config", dir.resolve("missing.yaml").toString()))
                .isEqualTo(2);
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] args : new String[][] {{"--help"}, {"serve", "--help"}, {"demo", "--help"}}) {
            StringWriter out = new StringWriter();
            CommandLine cli = new CommandLine(new GatewayStackCommand());
            cli.setOut(new PrintWriter(out));
            assertThat(cli.execute(args)).isZero();
            assertThat(out.toString()).contains("Usage: gatewaystack");
        }
    }
}
