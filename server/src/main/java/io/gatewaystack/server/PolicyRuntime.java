package io.gatewaystack.server;

import io.gatewaystack.policy.PolicyLayer;
import io.gatewaystack.policy.PolicyLayerConfig;
import io.gatewaystack.policy.PolicyLoadException;
import io.gatewaystack.policy.PolicyLoader;
import io.gatewaystack.policy.PolicyStore;
import io.gatewaystack.policy.PolicyWatcher;
import io.gatewaystack.policy.ShadowListener;
import io.gatewaystack.server.config.ConfigException;
import io.gatewaystack.server.config.PolicySettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy layer with its files: loaded at start (a bad file stops the start with file, line and rule), then
 * watched and hot-reloaded (a bad change is logged and the last good policy stays in force). Shadow
 * disagreements are logged until the audit trail records them.
 */
final class PolicyRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PolicyRuntime.class);

    private final PolicyLayer layer;
    private final PolicyStore store;
    private final List<PolicyWatcher> watchers;

    private PolicyRuntime(PolicyLayer layer, PolicyStore store, List<PolicyWatcher> watchers) {
        this.layer = layer;
        this.store = store;
        this.watchers = watchers;
    }

    /** Null when no policy is configured. */
    static PolicyRuntime start(PolicySettings settings) {
        if (!settings.enabled()) {
            return null;
        }
        PolicyLoader loader = new PolicyLoader();
        PolicyStore store = new PolicyStore(load(loader, settings.path(), "policy.path"));
        List<PolicyWatcher> watchers = new ArrayList<>();
        watchers.add(new PolicyWatcher(settings.path(), loader, store::live, settings.reloadInterval(), "live").start());
        if (settings.shadowPath() != null) {
            store.candidate(load(loader, settings.shadowPath(), "policy.shadow_path"));
            watchers.add(new PolicyWatcher(settings.shadowPath(), loader, store::candidate, settings.reloadInterval(),
                    "shadow").start());
        }
        ShadowListener shadows = d -> log.info("policy.shadow_disagreement request_id={} sub={} live={} candidate={}",
                d.requestId(), d.subject(), d.live().effect(), d.candidate().effect());
        PolicyLayer layer = new PolicyLayer(store, new PolicyLayerConfig(true, Clock.systemUTC(), shadows));
        log.info("policy loaded from {}{}", settings.path(),
                settings.shadowPath() == null ? "" : " (shadow candidate " + settings.shadowPath() + ")");
        return new PolicyRuntime(layer, store, List.copyOf(watchers));
    }

    private static io.gatewaystack.policy.PolicySet load(PolicyLoader loader, Path path, String key) {
        try {
            return loader.load(path);
        } catch (PolicyLoadException e) {
            throw new ConfigException(key, "invalid policy: " + e.problems().get(0)
                    + (e.problems().size() > 1 ? " (and " + (e.problems().size() - 1) + " more)" : ""));
        }
    }

    PolicyLayer layer() {
        return layer;
    }

    /** The live and candidate policy sets (the admin console lists and tests them). */
    PolicyStore store() {
        return store;
    }

    @Override
    public void close() {
        watchers.forEach(PolicyWatcher::close);
    }
}
