package io.gatewaystack.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload: good edits swap in, a broken edit keeps the last good set. */
class WatcherTest {

    @TempDir
    Path dir;

    private static final String ALLOW_M1 = "rules:\n  - {id: v1, effect: allow, when: {model: m1}}\n";
    private static final String ALLOW_M2 = "rules:\n  - {id: v2, effect: allow, when: {model: m2}}\n";

    @Test
    void checkNowReloadsOnChangeAndKeepsTheLastGoodSetOnABrokenFile() throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, ALLOW_M1);
        PolicyLoader loader = new PolicyLoader();
        PolicyStore store = new PolicyStore(loader.load(file));
        PolicyWatcher watcher = new PolicyWatcher(file, loader, store::live, Duration.ofSeconds(60), "test");
        watcher.start();
        try {
            assertThat(watcher.checkNow()).as("unchanged").isFalse();
            Files.writeString(file, "rules:\n  - {id: broken, effect: alow}\n");
            PolicySet before = store.live();
            assertThat(watcher.checkNow()).isFalse();
            assertThat(store.live()).isSameAs(before);
            assertThat(watcher.lastError()).get().extracting(Throwable::getMessage).asString()
                    .contains("policy.yaml:2: rule broken: effect must be allow, deny or modify");
            Files.writeString(file, ALLOW_M2);
            assertThat(watcher.checkNow()).isTrue();
            assertThat(watcher.lastError()).isEmpty();
            assertThat(store.live().decide(PolicyInput.builder().model("m2").build()).ruleId()).isEqualTo("v2");
        } finally {
            watcher.close();
        }
    }

    @Test
    void thePollingThreadPicksUpEditsOfAFolder() throws Exception {
        Files.writeString(dir.resolve("a.yaml"), ALLOW_M1);
        PolicyLoader loader = new PolicyLoader();
        PolicyStore store = new PolicyStore(loader.load(dir));
        try (PolicyWatcher watcher = new PolicyWatcher(dir, loader, store::live, Duration.ofMillis(50), "test").start()) {
            Files.writeString(dir.resolve("b.yaml"), "rules: [ {id: oops");
            awaitTrue(() -> watcher.lastError().isPresent());
            assertThat(store.live().ruleCount()).isEqualTo(1);
            Files.writeString(dir.resolve("b.yaml"), ALLOW_M2);
            awaitTrue(() -> store.live().ruleCount() == 2);
            assertThat(store.live().decide(PolicyInput.builder().model("m2").build()).ruleId()).isEqualTo("v2");
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(20);
        }
    }
}
