package io.gatewaystack.server.admin;

import io.gatewaystack.audit.AuditPipeline;
import io.gatewaystack.audit.store.JdbcAuditStore;
import io.gatewaystack.identity.IssuerConfig;
import io.gatewaystack.identity.TokenVerifier;
import io.gatewaystack.policy.PolicyStore;
import io.gatewaystack.server.admin.limits.LimitsView;
import io.gatewaystack.server.config.AdminSettings;
import io.gatewaystack.server.http.ErrorResponder;
import io.gatewaystack.server.llm.TargetHealth;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The admin console of a running gateway: the authorization layer of its API ({@link AdminAccess}), the API itself
 * ({@link AdminApi}) and the browser app ({@link ConsoleAssets}). Built once at start; shared by every event loop.
 */
public final class AdminConsole {

    private final AdminAccess access;
    private final AdminApi api;
    private final ConsoleAssets assets;

    /**
     * What the console reads; the optional parts are null when the gateway runs without them.
     *
     * @param audit      the audit pipeline, or null when auditing is off
     * @param store      the audit store, or null when auditing is off
     * @param live       the audit pipeline's live feed, or null when auditing is off
     * @param sealKey    the audit seal key (to verify seal signatures), or null
     * @param policy     the policy store, or null when no policy is configured
     */
    public record Parts(String mode, String version, TokenVerifier verifier, List<IssuerConfig> issuers,
                        Executor blocking, ErrorResponder errors, AuditPipeline audit, JdbcAuditStore store,
                        LiveFeed live, byte[] sealKey, PolicyStore policy, LimitsView limits, TargetHealth breakers) {
        public Parts {
            Objects.requireNonNull(verifier, "verifier");
            Objects.requireNonNull(blocking, "blocking");
            Objects.requireNonNull(errors, "errors");
            limits = limits == null ? LimitsView.NONE : limits;
        }
    }

    public AdminConsole(AdminSettings settings, Parts p) {
        this.access = new AdminAccess(settings.scope());
        Replies replies = new Replies(p.blocking(), p.errors());
        HealthApi health = new HealthApi(p.mode(), p.version(), p.verifier(), p.audit(),
                p.store() == null ? null : p.store().describe(), p.policy(), p.limits(), p.breakers(),
                () -> p.live() == null ? 0 : p.live().viewerCount());
        this.api = new AdminApi(health, p.live(),
                p.store() == null ? null : new AuditApi(p.store(), p.sealKey(), replies),
                p.store() == null ? null : new UsageApi(p.store(), replies),
                new PolicyApi(p.policy(), p.store(), replies), p.limits(), replies);
        List<String> origins = p.issuers().stream().map(i -> ConsoleAssets.origin(i.issuer()))
                .filter(Objects::nonNull).distinct().toList();
        this.assets = new ConsoleAssets(ConsoleAssets.loginConfig(settings.clientId(), settings.loginScopes(),
                settings.audience(), settings.scope(), p.mode()), origins, p.errors());
    }

    public AdminAccess access() {
        return access;
    }

    public AdminApi api() {
        return api;
    }

    public ConsoleAssets assets() {
        return assets;
    }
}
