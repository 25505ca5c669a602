package io.gatewaystack.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathGuardTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/notes", "/notes/42", "/notes/", "/a/b.c/..d/x..", "/caf%C3%A9", "/q%20r", "/.well-known/x"})
    void canonicalPathsPass(String path) {
        assertThat(PathGuard.problemWith(path)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "notes", "/public/../notes", "/public/./x", "/..", "/public/..", "/a//b",
            "/public/%2e%2e/notes", "/public/%2E/x", "/a%2fb", "/a%5cb", "/a\\b", "/notes;jsessionid=1",
            "/notes/..;/x", "/a%00b", "/a\tb", "/a%", "/a%2", "/a%zz"})
    void ambiguousPathsAreRefused(String path) {
        assertThat(PathGuard.problemWith(path)).isNotNull();
    }
}
