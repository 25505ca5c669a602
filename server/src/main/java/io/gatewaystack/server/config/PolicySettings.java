package io.gatewaystack.server.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the policies are and how they reload.
 *
 * @param path           a policy file or a folder of them (YAML/JSON); null means no policy layer
 * @param shadowPath     a candidate policy evaluated beside the live one (shadow mode), or null
 * @param reloadInterval how often the files are checked for changes (a broken change keeps the last good policy)
 */
public record PolicySettings(Path path, Path shadowPath, Duration reloadInterval) {

    public static PolicySettings none() {
        return new PolicySettings(null, null, Duration.ofSeconds(2));
    }

    public boolean enabled() {
        return path != null;
    }
}
