package io.gatewaystack.server.demo;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.TimeUnit;

/**
 * The demo's backends (echo, fake LLM, starter tools) listen with one HTTP server per event loop on the same
 * 127.0.0.1 port, so their connections spread over the loops. One server created outside a verticle would serve
 * every connection on a single loop, which then also carries part of the gateway: a benchmark artefact.
 */
final class LoopbackServers {

    private LoopbackServers() {
    }

    /** Listens on 127.0.0.1:{@code port} with {@code handler}; blocking. Returns the deployment, to undeploy. */
    static String start(Vertx vertx, int port, Handler<HttpServerRequest> handler) throws Exception {
        return vertx.deployVerticle(() -> new VerticleBase() {
                    @Override
                    public Future<?> start() {
                        return vertx.createHttpServer().requestHandler(handler).listen(port, "127.0.0.1");
                    }
                }, new DeploymentOptions().setInstances(Math.max(1, Runtime.getRuntime().availableProcessors())))
                .await(10, TimeUnit.SECONDS);
    }
}
