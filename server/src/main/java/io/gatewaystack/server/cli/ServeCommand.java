package io.gatewaystack.server.cli;

import io.gatewaystack.server.GatewayServer;
import io.gatewaystack.server.config.ConfigException;
import io.gatewaystack.server.config.ConfigLoader;
import io.gatewaystack.server.config.GatewayConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ObjectNode;

/** {@code gatewaystack serve [--config FILE]}: production mode. A bad configuration exits with code 2. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Run the gateway from a YAML config file; environment variables (OAUTH_ISSUER, "
                + "OAUTH_AUDIENCE, PORT, PROXY_TARGET, ...) override the file. See docs/configuration.md.",
                "With DEMO_MODE=true this runs the demo instead."})
public final class ServeCommand implements Callable<Integer> {

    public static final int CONFIG_ERROR = 2;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (optional: env alone works).")
    Path config;

    @Override
    public Integer call() throws Exception {
        String demo = System.getenv("DEMO_MODE");
        if (demo != null && (demo.trim().equalsIgnoreCase("true") || demo.trim().equals("1"))) {
            return new DemoCommand().call();
        }
        GatewayConfig gatewayConfig;
        try {
            ObjectNode tree = config == null ? ConfigLoader.emptyTree() : ConfigLoader.readFile(config);
            gatewayConfig = ConfigLoader.load(tree, System.getenv());
        } catch (ConfigException e) {
            System.err.println("gatewaystack: config error: " + e.getMessage());
            return CONFIG_ERROR;
        }
        Vertx vertx = Lifecycle.newVertx(gatewayConfig.server().eventLoops());
        GatewayServer server;
        try {
            server = GatewayServer.start(vertx, gatewayConfig, System.out);
        } catch (ConfigException e) {
            System.err.println("gatewaystack: config error: " + e.getMessage());
            vertx.close();
            return CONFIG_ERROR;
        } catch (IllegalStateException e) {
            System.err.println("gatewaystack: " + e.getMessage());
            vertx.close();
            return 1;
        }
        Lifecycle.runUntilShutdown(vertx, server::stop);
        return 0;
    }
}
