package io.gatewaystack.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class McpSessionsTest {

    private final byte[] key = McpSessions.randomKey();
    private final Clock now = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final McpSessions sessions = new McpSessions(key, Duration.ofHours(1), now);

    @Test
    void anyReplicaWithTheKeyAcceptsTheSession() {
        String id = sessions.create("alice", "2025-06-18");
        McpSessions other = new McpSessions(key.clone(), Duration.ofHours(1), now);
        McpSessions.Verification v = other.verify(id, "alice");
        assertThat(v.isValid()).isTrue();
        assertThat(v.session().protocolVersion()).isEqualTo("2025-06-18");
        assertThat(id).matches("[\\x21-\\x7E]+").doesNotContain("alice");
        assertThat(sessions.create("alice", "2025-06-18")).isNotEqualTo(id);
    }

    @Test
    void otherUserTamperedForeignKeyAndExpiredAreRejected() {
        String id = sessions.create("alice", "2025-06-18");
        assertThat(sessions.verify(id, "bob").rejection()).isEqualTo(McpSessions.Rejection.OTHER_SUBJECT);
        char[] chars = id.toCharArray();
        chars[5] = chars[5] == 'A' ? 'B' : 'A';
        assertThat(sessions.verify(new String(chars), "alice").rejection()).isEqualTo(McpSessions.Rejection.BAD_SIGNATURE);
        assertThat(new McpSessions(McpSessions.randomKey(), Duration.ofHours(1), now).verify(id, "alice").rejection())
                .isEqualTo(McpSessions.Rejection.BAD_SIGNATURE);
        McpSessions later = new McpSessions(key, Duration.ofHours(1), Clock.offset(now, Duration.ofMinutes(61)));
        assertThat(later.verify(id, "alice").rejection()).isEqualTo(McpSessions.Rejection.EXPIRED);
        assertThat(sessions.verify("garbage", "alice").rejection()).isEqualTo(McpSessions.Rejection.MALFORMED);
        assertThat(sessions.verify("a.b.c", "alice").rejection()).isEqualTo(McpSessions.Rejection.MALFORMED);
        assertThat(sessions.verify("!!.??", "alice").rejection()).isEqualTo(McpSessions.Rejection.MALFORMED);
        assertThat(sessions.verify(null, "alice").isValid()).isFalse();
    }
}
