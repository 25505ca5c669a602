package io.gatewaystack.proxy.upstream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Objects;

/**
 * A secret read from configuration (an API key, a client secret). It is read once, when the configuration is loaded,
 * and never printed: {@link #toString()} shows only where it came from ({@code SecretValue[env:OPENAI_API_KEY]}), so
 * records that hold one ({@link UpstreamAuth}) can be logged safely. Only {@link #reveal()} returns the value.
 */
public final class SecretValue {

    private final String value;
    private final String source;

    private SecretValue(String value, String source) {
        this.value = value;
        this.source = source;
    }

    /**
     * The value of an environment variable (pass {@code System.getenv()} in production).
     *
     * @throws IllegalArgumentException when the variable is unset or blank (the message names the variable only)
     */
    public static SecretValue fromEnv(String name, Map<String, String> env) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(env, "env");
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("secret environment variable " + name + " is not set");
        }
        return new SecretValue(v.strip(), "env:" + name);
    }

    /**
     * The content of a secrets file (e.g. a mounted Kubernetes or Docker secret), UTF-8, surrounding whitespace and
     * the trailing newline stripped.
     *
     * @throws IllegalArgumentException when the file is empty
     * @throws UncheckedIOException     when it cannot be read
     */
    public static SecretValue fromFile(Path path) {
        Objects.requireNonNull(path, "path");
        String v;
        try {
            v = Files.readString(path, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read secret file " + path, e);
        }
        if (v.isEmpty()) {
            throw new IllegalArgumentException("secret file " + path + " is empty");
        }
        return new SecretValue(v, "file:" + path);
    }

    /** A literal secret, for tests. */
    public static SecretValue of(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("empty secret");
        }
        return new SecretValue(value, "literal");
    }

    /** The secret itself. Put it on the wire, never in a log line or an exception message. */
    public String reveal() {
        return value;
    }

    /** Where the secret came from ({@code env:NAME}, {@code file:/path} or {@code literal}); safe to print. */
    public String source() {
        return source;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretValue other && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "SecretValue[" + source + "]";
    }
}
