package io.gatewaystack.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ForwardedHeadersTest {

    @Test
    void dropsHopByHopAuthorizationAndIdentityHeadersFromClients() {
        ForwardedHeaders f = new ForwardedHeaders(false, false, "X-Auth-Sub");
        Set<String> conn = ForwardedHeaders.connectionTokens("keep-alive, X-Secret-Hop");
        for (String name : new String[] {"connection", "keep-alive", "te", "transfer-encoding", "upgrade",
                "proxy-authorization", "x-secret-hop", "host", "authorization", "cookie", "x-user-id", "x-org-id",
                "x-tenant-id", "x-user-roles", "x-user-scopes", "x-user-email", "x-request-id",
                "x-gateway-identity", "x-auth-sub", "x-forwarded-for", "forwarded"}) {
            assertThat(f.forwardRequestHeader(name, conn, false)).as(name).isFalse();
        }
        assertThat(f.forwardRequestHeader("content-type", conn, false)).isTrue();
        assertThat(f.forwardRequestHeader("content-length", conn, false)).isTrue();
        assertThat(f.forwardRequestHeader("x-custom", conn, false)).isTrue();
        assertThat(f.forwardRequestHeader("x-forwarded-for", conn, true)).isTrue();
    }

    @Test
    void bearerAndCookiesPassOnlyWhenConfigured() {
        ForwardedHeaders f = new ForwardedHeaders(true, true, null);
        assertThat(f.forwardRequestHeader("authorization", Set.of(), false)).isTrue();
        assertThat(f.forwardRequestHeader("cookie", Set.of(), false)).isTrue();
        assertThat(f.forwardResponseHeader("set-cookie", Set.of())).isTrue();
        assertThat(new ForwardedHeaders(false, false, null).forwardResponseHeader("set-cookie", Set.of())).isFalse();
        assertThat(f.forwardResponseHeader("transfer-encoding", Set.of())).isFalse();
        assertThat(f.forwardResponseHeader("content-type", Set.of())).isTrue();
    }
}
