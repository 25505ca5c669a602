package io.gatewaystack.server;

import io.gatewaystack.audit.AccessLogLayer;
import io.gatewaystack.audit.AccessLogWriter;
import io.gatewaystack.core.Failures;
import io.gatewaystack.identity.IdentityLayer;
import io.gatewaystack.identity.IssuerConfig;
import io.gatewaystack.identity.TokenVerifier;
import io.gatewaystack.limits.LimitStores;
import io.gatewaystack.limits.LimitsLayer;
import io.gatewaystack.transform.TransformLayer;
import io.gatewaystack.limits.store.LimitStore;
import io.gatewaystack.proxy.AssertionKeys;
import io.gatewaystack.proxy.IdentityAssertionSigner;
import io.gatewaystack.proxy.IdentityInjection;
import io.gatewaystack.server.admin.AdminConsole;
import io.gatewaystack.server.config.AssertionSettings;
import io.gatewaystack.server.config.ConfigException;
import io.gatewaystack.server.config.GatewayConfig;
import io.gatewaystack.server.http.ErrorResponder;
import io.gatewaystack.server.http.Ports;
import io.gatewaystack.server.http.PublicUrls;
import io.gatewaystack.core.RequestIds;
import io.gatewaystack.server.llm.TargetHealth;
import io.gatewaystack.mcp.McpSessions;
import io.gatewaystack.mcp.ToolRegistry;
import io.gatewaystack.server.mcp.McpUpstreams;
import io.gatewaystack.server.mcp.PolicyToolFilter;
import io.gatewaystack.proxy.upstream.UpstreamCredentials;
import io.gatewaystack.server.routes.DiscoveryRoutes;
import io.gatewaystack.server.routes.HealthRoutes;
import io.gatewaystack.server.routes.IssuerMetadataRelay;
import io.gatewaystack.server.routes.ProtectedRoutes;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway: builds every layer from the configuration, composes them into routes ({@link Routes}) and serves
 * them on one Vert.x event loop per core. {@link #start} returns once the port is open; {@link #stop} drains
 * in-flight requests (up to the configured grace period) before closing.
 */
public final class GatewayServer {

    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

    private final Vertx vertx;
    private final GatewayConfig config;
    private final TokenVerifier verifier;
    private final ThreadPoolExecutor blocking;
    private final AccessLogWriter accessLogWriter;
    private final HttpClient idpClient;
    private final LimitsRuntime limits;
    private final PolicyRuntime policy;
    private final AuditRuntime audit;
    private final UpstreamCredentials upstreamCredentials;
    private final List<HttpServer> servers;
    private final int port;

    private GatewayServer(Vertx vertx, GatewayConfig config, TokenVerifier verifier, ThreadPoolExecutor blocking,
                          AccessLogWriter accessLogWriter, HttpClient idpClient, LimitsRuntime limits,
                          PolicyRuntime policy, AuditRuntime audit, UpstreamCredentials upstreamCredentials,
                          List<HttpServer> servers, int port) {
        this.vertx = vertx;
        this.config = config;
        this.verifier = verifier;
        this.blocking = blocking;
        this.accessLogWriter = accessLogWriter;
        this.idpClient = idpClient;
        this.limits = limits;
        this.policy = policy;
        this.audit = audit;
        this.upstreamCredentials = upstreamCredentials;
        this.servers = servers;
        this.port = port;
    }

    /**
     * Starts the gateway and waits until it listens. Blocking: call it from {@code main} or a test, never from an
     * event loop.
     *
     * @param accessLog where the one-line-per-request access log goes (stdout in production)
     */
    public static GatewayServer start(Vertx vertx, GatewayConfig config, OutputStream accessLog) {
        PolicyRuntime policy = PolicyRuntime.start(config.policy()); // a bad policy file stops the start, first
        AuditRuntime audit;
        try {
            audit = AuditRuntime.start(config.audit());
        } catch (RuntimeException e) {
            if (policy != null) {
                policy.close();
            }
            throw e;
        }
        TokenVerifier verifier = new TokenVerifier(config.identity());
        ThreadPoolExecutor blocking = blockingExecutor();
        // Fetch the signing keys before taking traffic; a down IdP does not stop the start (health says 503).
        blocking.execute(verifier::warmUp);
        AccessLogWriter writer = new AccessLogWriter(accessLog, 65_536);
        HttpClient idpClient = vertx.httpClientBuilder().with(new HttpClientOptions().setKeepAlive(true)).build();
        LimitsRuntime limits = LimitsRuntime.open(config);

        PublicUrls publicUrls = new PublicUrls(config.server().publicUrl(), config.server().trustedProxies());
        ErrorResponder errors = new ErrorResponder(publicUrls);
        IdentityAssertionSigner signer = assertionSigner(config);
        IdentityInjection injection = new IdentityInjection(signer, config.proxy() == null ? null : config.proxy().injectHeader(),
                value -> io.vertx.core.http.HttpHeaders.createOptimized(value.toString()));
        TargetHealth targetHealth = new TargetHealth(config.llm().breakerFailures(), config.llm().breakerOpen());
        AdminConsole admin = !config.admin().enabled() ? null : new AdminConsole(config.admin(), new AdminConsole.Parts(
                config.mode().label(), version(), verifier, config.identity().issuers(), blocking, errors,
                audit == null ? null : audit.pipeline(), audit == null ? null : audit.store(),
                audit == null ? null : audit.live(), audit == null ? null : audit.sealKey(),
                policy == null ? null : policy.store(), limits.view(), targetHealth));
        IssuerConfig primary = config.identity().issuers().get(0);
        IssuerMetadataRelay relay = new IssuerMetadataRelay(vertx, idpClient, primary.issuer(),
                config.identity().jwksHttpTimeout());
        Components components = new Components(
                config,
                verifier,
                blocking,
                new IdentityLayer(verifier, blocking),
                config.transform() == null ? null : new TransformLayer(config.transform()),
                policy == null ? null : policy.layer(),
                limits.layer(),
                limits.pricing(),
                limits.budgets(),
                limits.agentGuard(),
                new AccessLogLayer(writer),
                audit,
                injection,
                publicUrls,
                errors,
                new RequestIds(),
                targetHealth,
                new UpstreamCredentials(blocking),
                config.mcp().enabled() ? new ToolRegistry(config.mcp().tools()) : null,
                PolicyToolFilter.of(policy == null ? null : policy.layer()),
                new McpSessions(config.mcp().sessionKey(), config.mcp().sessionTtl(), Clock.systemUTC()),
                McpUpstreams.federation(config.mcp(), version()),
                new HealthRoutes(verifier, blocking, config.mode().label(), version(), audit == null ? null : audit.pipeline()),
                new DiscoveryRoutes(publicUrls, config.identity().issuers().stream().map(IssuerConfig::issuer).toList(),
                        scopesSupported(config), relay, errors, signer == null ? null : signer.publicJwksJson()),
                new ProtectedRoutes(),
                admin);

        int port = config.server().port() == 0 ? Ports.free() : config.server().port();
        List<HttpServer> servers = new CopyOnWriteArrayList<>();
        try {
            vertx.deployVerticle(() -> new GatewayVerticle(components, port, servers),
                            new DeploymentOptions().setInstances(config.server().eventLoops()))
                    .await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            closeAll(idpClient::close, blocking::shutdownNow, verifier, components.upstreamCredentials(), limits,
                    policy, audit, writer);
            throw new IllegalStateException("cannot listen on " + config.server().host() + ":" + port + ": " + Failures.rootMessage(e), e);
        }
        log.info("GatewayStack {} listening on {}:{} ({} mode, {} event loops)", version(), config.server().host(), port,
                config.mode().label(), config.server().eventLoops());
        return new GatewayServer(vertx, config, verifier, blocking, writer, idpClient, limits, policy, audit,
                components.upstreamCredentials(), servers, port);
    }

    public int port() {
        return port;
    }

    public GatewayConfig config() {
        return config;
    }

    /**
     * Graceful stop: stop accepting connections, let in-flight requests finish (up to the configured grace),
     * then close; finally flush the access log. Blocking.
     */
    public void stop() {
        Duration grace = config.server().shutdownGrace();
        List<Future<Void>> shutdowns = new ArrayList<>();
        for (HttpServer server : servers) {
            shutdowns.add(server.shutdown(grace));
        }
        try {
            Future.join(shutdowns).await(grace.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("shutdown did not finish cleanly: {}", Failures.rootMessage(e));
        }
        // After the drain, in order: the audit trail gets every finished request (spool, then seal), the access
        // log is flushed last.
        closeAll(idpClient::close, blocking::shutdownNow, verifier, upstreamCredentials, limits, policy, audit,
                accessLogWriter);
    }

    /** Closes each resource that exists, in order; one failing does not keep the others open. */
    private static void closeAll(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", resource.getClass().getSimpleName(), e.toString());
            }
        }
    }

    /** Bounded worker pool for token verification misses and JWKS fetches; when full, requests get 503. */
    private static ThreadPoolExecutor blockingExecutor() {
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors() * 2);
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4096),
                r -> {
                    Thread t = new Thread(r, "gateway-blocking-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    private static IdentityAssertionSigner assertionSigner(GatewayConfig config) {
        AssertionSettings a = config.assertion();
        if (!a.enabled() || config.proxy() == null && !config.mcp().enabled()) {
            return null; // assertions go to proxied backends and tool backends only
        }
        AssertionKeys keys;
        if (a.keyFile() != null) {
            // One private JWK, or a JWK Set with two keys during a rotation (docs/deployment.md).
            try {
                keys = AssertionKeys.parse(Files.readString(a.keyFile()), a.signingKid());
            } catch (IOException e) {
                throw new ConfigException("identity_assertion.key_file", "cannot read " + a.keyFile() + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("identity_assertion.key_file", e.getMessage());
            }
        } else if (a.signingKid() != null) {
            throw new ConfigException("identity_assertion.signing_kid", "needs identity_assertion.key_file");
        } else {
            keys = AssertionKeys.single(IdentityAssertionSigner.generateKey());
        }
        String issuer = a.issuer() != null ? a.issuer()
                : config.server().publicUrl() != null ? config.server().publicUrl().toString() : "gatewaystack";
        try {
            String audience = config.proxy() != null ? config.proxy().targetOrigin() : "gatewaystack-tools";
            return new IdentityAssertionSigner(keys, issuer, audience, a.ttl(), Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("identity_assertion.key_file", e.getMessage());
        }
    }

    /** Configured scopes, then every tool's and route's scopes: what a client may have to ask for. */
    static List<String> scopesSupported(GatewayConfig config) {
        Set<String> scopes = new LinkedHashSet<>(config.scopesSupported());
        config.toolScopes().values().forEach(scopes::addAll);
        config.mcp().tools().forEach(t -> scopes.addAll(t.requiredScopes()));
        config.mcp().upstreams().forEach(u -> scopes.addAll(u.server().requiredScopes()));
        scopes.addAll(Routes.routeScopes());
        return List.copyOf(scopes);
    }

    static String version() {
        String v = GatewayServer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
