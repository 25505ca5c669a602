package io.gatewaystack.server.cli;

import io.gatewaystack.server.config.ConfigException;
import io.gatewaystack.server.demo.DemoMode;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/** {@code gatewaystack demo}: everything in one process with a dev issuer and an echo backend. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Run the gateway with a local dev token issuer (port DEMO_ISSUER_PORT, default 5051), an "
                + "echo backend (DEMO_ECHO_PORT, 3333), a fake OpenAI/Anthropic LLM (DEMO_LLM_PORT, 3334) and the "
                + "starter's MCP tools (DEMO_TOOLS_PORT, 3335); the gateway listens on PORT (default 8080).",
                "Prints a token and curl lines to try. Never use demo mode in production."})
public final class DemoCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        Vertx vertx = Lifecycle.newVertx(Math.max(1, Runtime.getRuntime().availableProcessors()));
        DemoMode demo;
        try {
            demo = DemoMode.start(vertx, System.getenv(), System.out);
        } catch (ConfigException e) {
            System.err.println("gatewaystack: config error: " + e.getMessage());
            vertx.close();
            return ServeCommand.CONFIG_ERROR;
        } catch (Exception e) {
            System.err.println("gatewaystack: demo could not start: " + e.getMessage());
            vertx.close();
            return 1;
        }
        LoggerFactory.getLogger(DemoCommand.class).warn("DEMO MODE: anyone on this machine can mint tokens; never use it in production");
        demo.printWelcome(System.out);
        Lifecycle.runUntilShutdown(vertx, demo::stop);
        return 0;
    }
}
