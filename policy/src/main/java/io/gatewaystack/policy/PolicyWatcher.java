package io.gatewaystack.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload: a daemon thread that polls a policy file or folder every {@code interval}, and when the content
 * changed, loads it and hands the new set to {@code target} (e.g. {@code store::live}). A broken policy is logged
 * with every problem and the last good set stays in force; it is reported once per distinct content, not every poll.
 *
 * <p>Polling (of a content hash, not of modification times) rather than a WatchService: it behaves the same on
 * every file system, sees edits within one interval, and needs no platform events. {@link #checkNow()} runs one
 * poll on the caller's thread, for tests and for a reload on demand.
 */
public final class PolicyWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyWatcher.class);

    private final Path path;
    private final PolicyLoader loader;
    private final Consumer<PolicySet> target;
    private final Duration interval;
    private final String name;
    private final AtomicReference<PolicyLoadException> lastError = new AtomicReference<>();
    private volatile String lastFingerprint;
    private volatile Thread thread;

    /**
     * @param path     the file or folder to watch
     * @param loader   the loader (shared, stateless)
     * @param target   receives each new good set
     * @param interval between polls (at least 10 ms)
     * @param name     what it is, for logs and the thread name (e.g. {@code live}, {@code shadow})
     */
    public PolicyWatcher(Path path, PolicyLoader loader, Consumer<PolicySet> target, Duration interval, String name) {
        this.path = Objects.requireNonNull(path, "path");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.target = Objects.requireNonNull(target, "target");
        if (interval.toMillis() < 10) {
            throw new IllegalArgumentException("interval must be at least 10 ms");
        }
        this.interval = interval;
        this.name = name;
    }

    /** Remembers the current content as loaded (call after the initial load) and starts polling. */
    public synchronized PolicyWatcher start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        lastFingerprint = fingerprint();
        Thread t = new Thread(this::run, "policy-watcher-" + name);
        t.setDaemon(true);
        thread = t;
        t.start();
        return this;
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(interval);
                checkNow();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.error("policy.reload_failed policy={} path={}", name, path, e);
            }
        }
    }

    /**
     * One poll: reloads when the content changed since the last poll.
     *
     * @return true when a new set was handed to the target
     */
    public boolean checkNow() {
        String fp = fingerprint();
        if (Objects.equals(fp, lastFingerprint)) {
            return false;
        }
        lastFingerprint = fp;
        try {
            PolicySet set = loader.load(path);
            target.accept(set);
            lastError.set(null);
            LOG.info("policy.reloaded policy={} path={} rules={} files={}", name, path, set.ruleCount(), set.sources().size());
            return true;
        } catch (PolicyLoadException e) {
            lastError.set(e);
            LOG.error("policy.reload_rejected policy={} path={} kept=last-good problems={}", name, path, e.getMessage());
            return false;
        }
    }

    /** The problems of the latest rejected reload, if the latest attempt failed. */
    public Optional<PolicyLoadException> lastError() {
        return Optional.ofNullable(lastError.get());
    }

    /** A hash of the names and contents of the policy files; "missing" when they cannot be read. */
    private String fingerprint() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            List<Path> files = PolicyLoader.policyFiles(path);
            for (Path f : files) {
                digest.update(f.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(Files.readAllBytes(f));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            return "unreadable:" + e.getMessage();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(interval.toMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }
}
