package io.gatewaystack.spring;

import io.gatewaystack.core.Layer;
import io.gatewaystack.identity.ClaimMapping;
import io.gatewaystack.identity.IdentityConfig;
import io.gatewaystack.identity.IdentityLayer;
import io.gatewaystack.identity.IssuerConfig;
import io.gatewaystack.identity.ScopeRequirement;
import io.gatewaystack.identity.TokenVerifier;
import io.gatewaystack.servlet.FilterSettings;
import io.gatewaystack.servlet.GatewayStackFilter;
import jakarta.servlet.DispatcherType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * GatewayStack in front of a Spring MVC application: one servlet filter running audit, identity, required scopes,
 * policy and limits (each when configured, in that order) over the paths of {@code gatewaystack.url-patterns}.
 * Controllers may take the verified {@link io.gatewaystack.core.Identity} as a method parameter.
 *
 * <p>Each piece is a bean the application can replace (its own {@link TokenVerifier}, or a whole
 * {@link GatewayStackFilter} with a chain of its choosing).
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = "gatewaystack", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(GatewayStackProperties.class)
public class GatewayStackAutoConfiguration {

    /**
     * Token verifications that miss the cache (signature check, maybe a JWKS fetch) run on this bounded pool; when
     * it is full the request gets 503 at once rather than joining an unbounded queue.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    VerifierPool gatewayStackVerifierPool() {
        return new VerifierPool();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    TokenVerifier gatewayStackTokenVerifier(GatewayStackProperties properties, VerifierPool pool) {
        List<GatewayStackProperties.Issuer> issuers = properties.identity().issuers();
        if (issuers.isEmpty()) {
            throw new IllegalStateException("gatewaystack.identity.issuers must name at least one token issuer "
                    + "(or set gatewaystack.enabled=false)");
        }
        List<IssuerConfig> configs = new ArrayList<>();
        for (int n = 0; n < issuers.size(); n++) {
            GatewayStackProperties.Issuer i = issuers.get(n);
            try {
                ClaimMapping defaults = ClaimMapping.defaults();
                ClaimMapping claims = i.roleClaims() == null || i.roleClaims().isEmpty() ? defaults
                        : new ClaimMapping(defaults.orgClaims(), defaults.tenantClaims(), i.roleClaims(),
                                defaults.scopeClaims(), defaults.emailClaim(), defaults.nameClaim(), defaults.planClaim());
                configs.add(new IssuerConfig(i.issuer(), i.audiences(), i.jwksUri(), i.algorithms(), null, claims));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("gatewaystack.identity.issuers[" + n + "]: " + e.getMessage(), e);
            }
        }
        TokenVerifier verifier = new TokenVerifier(IdentityConfig.of(configs));
        pool.executor().execute(verifier::warmUp); // fetch the keys before the first request needs them
        return verifier;
    }

    @Bean
    @ConditionalOnMissingBean
    IdentityLayer gatewayStackIdentityLayer(TokenVerifier verifier, VerifierPool pool) {
        return new IdentityLayer(verifier, pool.executor());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "gatewaystack.policy", name = "path")
    PolicyFiles gatewayStackPolicy(GatewayStackProperties properties, ResourceLoader resources) {
        return PolicyFiles.open(properties.policy().path(), properties.policy().reloadInterval(), resources);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    LimitsRuntime gatewayStackLimits(GatewayStackProperties properties) {
        return LimitsRuntime.open(properties.limits());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "gatewaystack.audit", name = "enabled", havingValue = "true")
    AuditTrail gatewayStackAudit(GatewayStackProperties properties) {
        return AuditTrail.open(properties.audit());
    }

    /** audit, identity, [scopes], [policy], [limits]: the gateway's own order (docs/architecture.md). */
    @Bean
    @ConditionalOnMissingBean
    GatewayStackFilter gatewayStackFilter(GatewayStackProperties properties, IdentityLayer identity,
                                          ObjectProvider<AuditTrail> audit, ObjectProvider<PolicyFiles> policy,
                                          LimitsRuntime limits) {
        List<Layer> layers = new ArrayList<>();
        audit.ifAvailable(a -> layers.add(a.layer()));
        layers.add(identity);
        if (!properties.identity().requiredScopes().isEmpty()) {
            layers.add(new ScopeRequirement(properties.identity().requiredScopes()));
        }
        policy.ifAvailable(p -> layers.add(p.layer()));
        if (limits.layer() != null) {
            layers.add(limits.layer());
        }
        FilterSettings settings = new FilterSettings(properties.awaitTimeout(), properties.excludedPaths());
        String realm = properties.realm() == null || properties.realm().isBlank() ? null : properties.realm();
        return new GatewayStackFilter(layers, settings, realm);
    }

    @Bean
    @ConditionalOnMissingBean(name = "gatewayStackFilterRegistration")
    FilterRegistrationBean<GatewayStackFilter> gatewayStackFilterRegistration(GatewayStackFilter filter,
                                                                             GatewayStackProperties properties) {
        FilterRegistrationBean<GatewayStackFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setName("gatewayStackFilter");
        registration.setUrlPatterns(properties.urlPatterns());
        registration.setOrder(properties.order());
        registration.setAsyncSupported(true);
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        return registration;
    }

    /** Controllers can declare an {@code Identity} parameter. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(WebMvcConfigurer.class)
    static class IdentityArguments {
        @Bean
        WebMvcConfigurer gatewayStackIdentityArguments() {
            return new WebMvcConfigurer() {
                @Override
                public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
                    resolvers.add(new IdentityArgumentResolver());
                }
            };
        }
    }

    /** The bounded pool for token verifications (2 × cores threads, queue 1024). */
    public static final class VerifierPool implements AutoCloseable {
        private final ThreadPoolExecutor executor;

        VerifierPool() {
            int threads = Math.max(2, Runtime.getRuntime().availableProcessors() * 2);
            AtomicInteger n = new AtomicInteger();
            this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1024),
                    r -> {
                        Thread t = new Thread(r, "gatewaystack-verify-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    }, new ThreadPoolExecutor.AbortPolicy());
        }

        public ThreadPoolExecutor executor() {
            return executor;
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }
}
