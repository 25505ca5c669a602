package io.gatewaystack.server.config;

/** A configuration problem, named by its key (e.g. {@code identity.issuers[0].audiences}) and what is wrong. */
public final class ConfigException extends RuntimeException {

    private final String key;

    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
