package io.gatewaystack.server.mcp;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.Identity;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Verdict;
import io.gatewaystack.proxy.IdentityAssertionSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

final class TestSupport {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestSupport() {
    }

    static IdentityAssertionSigner signer() {
        return new IdentityAssertionSigner(IdentityAssertionSigner.generateKey(), "https://gateway.test", "starter-tools",
                Duration.ofMinutes(5), Clock.systemUTC());
    }

    static Identity user(String sub, String... scopes) {
        return new Identity(sub, "https://issuer.test", null, null, List.of(), List.of(scopes), sub + "@example.com",
                null, null, null, Instant.now().plusSeconds(3600), Map.of());
    }

    /**
     * Stands in for the identity layer in these tests: {@code Authorization: Bearer sub:scope1,scope2}. No header
     * is 401 {@code missing_token}, as the real layer answers.
     */
    static final class FakeIdentity implements Layer {
        @Override
        public String name() {
            return "identity";
        }

        @Override
        public Verdict onRequest(RequestContext ctx) {
            String auth = ctx.headers().get("Authorization");
            if (auth == null || !auth.startsWith("Bearer ")) {
                return Verdict.reject(ErrorCode.MISSING_TOKEN, "An access token is required.");
            }
            String[] parts = auth.substring(7).split(":", 2);
            String[] scopes = parts.length > 1 && !parts[1].isEmpty() ? parts[1].split(",") : new String[0];
            ctx.identity(user(parts[0], Arrays.copyOf(scopes, scopes.length)));
            return Verdict.proceed();
        }
    }

    record Response(int status, Map<String, List<String>> headers, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }
    }

    static Response post(String url, String body, String... headers) {
        return send("POST", url, body, headers);
    }

    static Response send(String method, String url, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers().map(), r.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
