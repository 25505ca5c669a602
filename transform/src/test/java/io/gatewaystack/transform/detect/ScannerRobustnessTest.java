package io.gatewaystack.transform.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScannerRobustnessTest {

    private final ContentScanner scanner = new ContentScanner(BuiltinDetectors.all("US"), List.of());

    @Test
    void emptyAndNullText() {
        assertThat(scanner.scan("")).isEmpty();
        assertThat(scanner.scan(null)).isEmpty();
    }

    @Test
    void overlapsAreResolvedDeterministically() {
        // the seed corrupted this: an IP inside an email domain
        String text = "a@192.168.1.1.com";
        assertThat(scanner.scan(text)).extracting(Finding::type).containsExactly("email");
        Finding hiConfLong = new Finding("x", 0, 10, 0.9);
        Finding hiConfShort = new Finding("y", 2, 5, 0.9);
        Finding lowConf = new Finding("z", 8, 20, 0.5);
        Finding later = new Finding("w", 10, 12, 0.5);
        assertThat(OverlapResolver.resolve(List.of(lowConf, hiConfShort, later, hiConfLong)))
                .containsExactly(hiConfLong, later);
        assertThat(OverlapResolver.resolve(List.of(new Finding("b", 5, 8, 0.7), new Finding("a", 0, 8, 0.7))))
                .extracting(Finding::type).containsExactly("a");
    }

    @Test
    void cardWinsOverThePhoneNumberInsideIt() {
        assertThat(scanner.scan("4111 1111 1111 1111")).extracting(Finding::type).containsExactly("credit_card");
    }

    @Test
    void offsetsAreCharsOfTheOriginalTextAroundEmoji() {
        String text = "😀 mail 👩‍💻bob@example.com😀 and 𝒳 4111111111111111";
        List<Finding> found = scanner.scan(text);
        assertThat(found).extracting(f -> text.substring(f.start(), f.end()))
                .containsExactly("bob@example.com", "4111111111111111");
        for (Finding f : found) {
            assertThat(Character.isLowSurrogate(text.charAt(f.start()))).isFalse();
            assertThat(Character.isHighSurrogate(text.charAt(f.end() - 1))).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a@", "1.", "4", "-----BEGIN RSA PRIVATE KEY-----", "eyJ", "@@@", "+1", "(", "::", "AKIA", "password="})
    void adversarialRepetitionsOfOneMebibyteFinishFast(String unit) {
        String text = unit.repeat((1 << 20) / unit.length());
        long start = cpuNanos();
        scanner.scan(text);
        assertThat(Duration.ofNanos(cpuNanos() - start)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void hugeRealisticInputScansLinearly() {
        String para = "Hi team, the meeting moved to 3pm. Mail jane.doe@example.com or call +44 20 7946 0958. ";
        String text = para.repeat(12_000); // about 1 MiB
        long start = cpuNanos();
        List<Finding> found = scanner.scan(text);
        assertThat(Duration.ofNanos(cpuNanos() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(found).hasSize(24_000);
    }

    @Test
    void customDetectorsAreCompiledAndChecked() {
        CustomDetector emp = CustomDetector.compile(new CustomDetectorConfig("employee_id", "EMP-[0-9]{6}",
                CustomDetectorConfig.Validator.NONE, List.of("employee"), 0.9, "pii"));
        ContentScanner s = new ContentScanner(List.of(), List.of(emp));
        assertThat(s.scan("employee EMP-123456")).extracting(Finding::type).containsExactly("employee_id");
        assertThat(s.scan("order EMP-123456")).isEmpty();

        CustomDetector luhn = CustomDetector.compile(new CustomDetectorConfig("loyalty_card", "[0-9]{12}",
                CustomDetectorConfig.Validator.LUHN, List.of(), 0.8, null));
        assertThat(new ContentScanner(List.of(), List.of(luhn)).scan("a 123456789015 b 123456789016"))
                .extracting(Finding::start).containsExactly(2);

        CustomDetector mod97 = CustomDetector.compile(new CustomDetectorConfig("iban_lower", "[a-z]{2}[0-9]{2}[a-z0-9]{18}",
                CustomDetectorConfig.Validator.MOD97, List.of(), 0.8, "financial"));
        assertThat(new ContentScanner(List.of(), List.of(mod97)).scan("de89370400440532013000")).hasSize(1);
    }

    @Test
    void badCustomPatternsAreRejectedAtLoad() {
        Function<String, CustomDetectorConfig> cfg = p -> CustomDetectorConfig.of("bad", p);
        assertThatThrownBy(() -> CustomDetector.compile(cfg.apply("a*"))).isInstanceOf(InvalidDetectorException.class)
                .hasMessageContaining("empty string");
        assertThatThrownBy(() -> CustomDetector.compile(cfg.apply("(x|)"))).hasMessageContaining("empty string");
        assertThatThrownBy(() -> CustomDetector.compile(cfg.apply("\\b"))).hasMessageContaining("empty string");
        assertThatThrownBy(() -> CustomDetector.compile(cfg.apply("(a)\\1"))).hasMessageContaining("not valid RE2");
        assertThatThrownBy(() -> CustomDetector.compile(cfg.apply("a(?=b)"))).hasMessageContaining("not valid RE2");
        assertThatThrownBy(() -> CustomDetector.compile(CustomDetectorConfig.of("Bad Name", "x"))).hasMessageContaining("name");
        assertThatThrownBy(() -> CustomDetectorConfig.Validator.parse("crc")).hasMessageContaining("unknown validator");
    }

    @Test
    void theClassicCatastrophicPatternRunsInLinearTimeUnderRe2() {
        CustomDetector evil = CustomDetector.compile(CustomDetectorConfig.of("evil", "(a+)+b"));
        String text = "a".repeat(1 << 20);
        long start = cpuNanos();
        new ContentScanner(List.of(), List.of(evil)).scan(text);
        assertThat(Duration.ofNanos(cpuNanos() - start)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void unknownBuiltinTypesAreAnError() {
        assertThatThrownBy(() -> BuiltinDetectors.enabled(java.util.Set.of("emial"), "US")).hasMessageContaining("emial");
        assertThatThrownBy(() -> new PhoneDetector("XX")).hasMessageContaining("XX");
    }

    /**
     * CPU time of this thread: the bounds are about the scan's own cost, and on a shared, oversubscribed machine
     * wall time mostly measures the wait for a core.
     */
    private static long cpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
}
