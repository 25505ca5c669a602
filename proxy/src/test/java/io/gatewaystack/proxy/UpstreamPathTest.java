package io.gatewaystack.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class UpstreamPathTest {

    private final UpstreamPath api = new UpstreamPath("/api/", null);

    @Test
    void keepsTheTargetBasePathAndTheRawQuery() {
        assertThat(api.resolve("/users/7", "x=1&y=%20", "alice").pathAndQuery()).isEqualTo("/api/users/7?x=1&y=%20");
        assertThat(api.resolve("", null, "alice").pathAndQuery()).isEqualTo("/api");
        assertThat(new UpstreamPath("", null).resolve("", null, "a").pathAndQuery()).isEqualTo("/");
        assertThat(api.resolve("/dir/", null, "a").pathAndQuery()).isEqualTo("/api/dir/");
        assertThat(api.resolve("/a%20b/c.txt", null, "a").pathAndQuery()).isEqualTo("/api/a%20b/c.txt");
        assertThat(api.resolve("/...", null, "a").ok()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../admin", "/a/../../etc/passwd", "/%2e%2e/admin", "/%2E%2e", "/./x", "/a/.",
            "//evil.com/x", "/http://evil.com/", "/a%2fb", "/a%5Cb", "/a\\b", "/a%00b", "/a%0d%0aX:1", "/a%zz",
            "/a%2", "/a%"})
    void refusesPathsThatCouldEscapeTheBase(String tail) {
        UpstreamPath.Result r = api.resolve(tail, null, "alice");
        assertThat(r.ok()).as(tail).isFalse();
        assertThat(r.problem()).isNotBlank();
    }

    @Test
    void injectsTheSubjectAsAQueryParameterReplacingAnyClientValue() {
        UpstreamPath p = new UpstreamPath("", "user");
        assertThat(p.resolve("/events", "user=bob&limit=5&us%65r=mallory", "alice & co").pathAndQuery())
                .isEqualTo("/events?limit=5&user=alice+%26+co");
        assertThat(p.resolve("/events", null, "alice").pathAndQuery()).isEqualTo("/events?user=alice");
    }
}
