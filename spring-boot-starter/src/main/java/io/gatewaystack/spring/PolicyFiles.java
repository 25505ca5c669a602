package io.gatewaystack.spring;

import io.gatewaystack.policy.PolicyLayer;
import io.gatewaystack.policy.PolicyLayerConfig;
import io.gatewaystack.policy.PolicyLoadException;
import io.gatewaystack.policy.PolicyLoader;
import io.gatewaystack.policy.PolicyStore;
import io.gatewaystack.policy.PolicyWatcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * The policy layer with its source: a file or folder on disk (loaded at start, then hot-reloaded: a bad change is
 * logged and the last good policy stays), or one {@code classpath:} file packaged with the application (loaded
 * once). A policy that does not load stops the application's start with file, line and rule.
 */
public final class PolicyFiles implements AutoCloseable {

    private final PolicyLayer layer;
    private final PolicyWatcher watcher;

    private PolicyFiles(PolicyLayer layer, PolicyWatcher watcher) {
        this.layer = layer;
        this.watcher = watcher;
    }

    static PolicyFiles open(String location, Duration reloadInterval, ResourceLoader resources) {
        PolicyLoader loader = new PolicyLoader();
        try {
            if (location.startsWith("classpath:")) {
                Resource resource = resources.getResource(location);
                if (!resource.exists()) {
                    throw new IllegalStateException("gatewaystack.policy.path: " + location + " does not exist");
                }
                String text = resource.getContentAsString(StandardCharsets.UTF_8);
                PolicyStore store = new PolicyStore(loader.parse(location, text));
                return new PolicyFiles(new PolicyLayer(store, PolicyLayerConfig.defaults()), null);
            }
            Path path = Path.of(location);
            if (!Files.exists(path)) {
                throw new IllegalStateException("gatewaystack.policy.path: " + path.toAbsolutePath() + " does not exist");
            }
            PolicyStore store = new PolicyStore(loader.load(path));
            PolicyWatcher watcher = new PolicyWatcher(path, loader, store::live, reloadInterval, "live").start();
            return new PolicyFiles(new PolicyLayer(store, PolicyLayerConfig.defaults()), watcher);
        } catch (PolicyLoadException e) {
            throw new IllegalStateException("gatewaystack.policy.path: invalid policy: " + e.problems().get(0)
                    + (e.problems().size() > 1 ? " (and " + (e.problems().size() - 1) + " more)" : ""), e);
        } catch (IOException e) {
            throw new IllegalStateException("gatewaystack.policy.path: cannot read " + location + ": " + e.getMessage(), e);
        }
    }

    public PolicyLayer layer() {
        return layer;
    }

    /**
     * Checks the files now (tests, or a reload on demand): true when changed files were loaded and are in force;
     * false when nothing changed or the change did not load (the last good policy stays). Always true for classpath.
     */
    public boolean reloadNow() {
        return watcher == null || watcher.checkNow();
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
    }

}
