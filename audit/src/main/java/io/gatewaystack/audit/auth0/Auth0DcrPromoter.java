package io.gatewaystack.audit.auth0;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Auth0 log-stream integration (the seed's DCR webhook, made to answer quickly and clearly): Auth0 posts its
 * tenant logs to the gateway; for each <em>dynamic client registration</em> (an MCP client such as ChatGPT
 * registering itself) the new client is promoted through the Auth0 Management API so it can complete a user login:
 *
 * <ol>
 *   <li>{@code PATCH /api/v2/clients/{id}}: a public client using the authorization code flow with PKCE
 *       ({@code token_endpoint_auth_method: none}, {@code grant_types: [authorization_code, refresh_token]}). Unlike
 *       the seed it is <em>not</em> made first-party, so Auth0 still asks the user for consent.</li>
 *   <li>{@code POST /api/v2/client-grants}: a grant for the configured API audience with the configured scopes
 *       only (the seed granted every tool scope). An existing grant (409) counts as done.</li>
 * </ol>
 *
 * <p>The Management API token comes from a client-credentials grant and is reused until shortly before it expires.
 * Every call has a timeout; any failure completes the result exceptionally with a {@link PromotionFailed} saying
 * which call failed and how, so the webhook answers 502/504 at once instead of hanging. Auth0 retries a log batch
 * that was not accepted, and both calls are idempotent, so a retry finishes the job.
 */
public final class Auth0DcrPromoter {

    /**
     * @param managementUrl the tenant's base URL ({@code https://TENANT.auth0.com}); Management API calls go to
     *                      {@code <it>/api/v2/}, tokens come from {@code <it>/oauth/token}
     * @param clientId      the machine-to-machine client with {@code update:clients} and {@code create:client_grants}
     * @param clientSecret  its secret
     * @param audience      the API the promoted clients get a grant for (the gateway's audience)
     * @param scopes        the scopes of that grant (none: no grant is created)
     * @param timeout       per Management API call
     */
    public record Settings(URI managementUrl, String clientId, String clientSecret, String audience, List<String> scopes,
                           Duration timeout) {
        public Settings {
            Objects.requireNonNull(managementUrl, "managementUrl");
            if (!"https".equals(managementUrl.getScheme()) && !"http".equals(managementUrl.getScheme()) || managementUrl.getHost() == null) {
                throw new IllegalArgumentException("the Auth0 management URL must be an https URL with a host");
            }
            if (clientId == null || clientId.isBlank() || clientSecret == null || clientSecret.isBlank()) {
                throw new IllegalArgumentException("the Auth0 management client id and secret are required");
            }
            scopes = scopes == null ? List.of() : List.copyOf(scopes);
            timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
        }

        String base() {
            String b = managementUrl.toString();
            return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
        }
    }

    /** What a log batch led to. */
    public record Result(int events, int registrations, List<String> promoted) {
    }

    /** A Management API call that failed; {@code timeout} when it did not answer in time. */
    public static final class PromotionFailed extends RuntimeException {
        private final boolean timeout;

        PromotionFailed(String message, boolean timeout) {
            super(message);
            this.timeout = timeout;
        }

        public boolean timeout() {
            return timeout;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Settings settings;
    private final HttpClient http;
    private volatile Token token;

    private record Token(String value, long expiresAtMillis) {
    }

    public Auth0DcrPromoter(Settings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * Parses a log-stream batch (a JSON array of log events, one event, or JSON lines). Throws
     * {@link IllegalArgumentException} when it is none of these.
     */
    public static List<JsonNode> parseBatch(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).trim();
        List<JsonNode> out = new ArrayList<>();
        try {
            if (text.startsWith("[")) {
                JSON.readTree(text).forEach(out::add);
            } else {
                for (String line : text.split("\\R")) {
                    if (!line.isBlank()) {
                        out.add(JSON.readTree(line));
                    }
                }
            }
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the body is not a JSON array, object or JSON lines of Auth0 log events");
        }
        for (JsonNode n : out) {
            if (!n.isObject()) {
                throw new IllegalArgumentException("every Auth0 log event must be a JSON object");
            }
        }
        return out;
    }

    /**
     * The client ids registered through dynamic client registration in these log events: a {@code sapi} event
     * described as a dynamic client registration, or a successful call to {@code /oidc/register}. The id is the
     * created client's (from the response body), else the event's {@code client_id}.
     */
    public static List<String> registeredClients(List<JsonNode> events) {
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode e : events) {
            JsonNode data = e.has("data") ? e.get("data") : e; // log streams wrap the log in "data"
            String type = text(data.get("type"));
            String description = text(data.get("description")).toLowerCase(Locale.ROOT);
            JsonNode details = data.path("details");
            String path = text(details.path("request").get("path"));
            boolean dcr = "sapi".equals(type) && description.contains("dynamic client registration")
                    || path.contains("/oidc/register");
            if (!dcr) {
                continue;
            }
            String id = text(details.path("response").path("body").get("client_id"));
            if (id.isEmpty()) {
                id = text(data.get("client_id"));
            }
            if (!id.isEmpty()) {
                ids.add(id);
            }
        }
        return List.copyOf(ids);
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || !n.isValueNode() ? "" : n.asString();
    }

    /** Promotes every client registered in the batch, one after the other. */
    public CompletableFuture<Result> handle(List<JsonNode> events) {
        List<String> clients = registeredClients(events);
        CompletableFuture<List<String>> done = CompletableFuture.completedFuture(new ArrayList<>());
        for (String client : clients) {
            done = done.thenCompose(list -> promote(client).thenApply(v -> {
                list.add(client);
                return list;
            }));
        }
        return done.thenApply(list -> new Result(events.size(), clients.size(), List.copyOf(list)));
    }

    /** Promotes one client (idempotent). */
    public CompletableFuture<Void> promote(String clientId) {
        String path = "/api/v2/clients/" + java.net.URLEncoder.encode(clientId, StandardCharsets.UTF_8);
        ObjectNode patch = JSON.createObjectNode();
        patch.put("app_type", "regular_web");
        patch.put("token_endpoint_auth_method", "none");
        patch.putArray("grant_types").add("authorization_code").add("refresh_token");
        CompletableFuture<Void> patched = managementToken().thenCompose(t -> call("PATCH", path, patch, t, Set.of()));
        if (settings.scopes().isEmpty() || settings.audience() == null) {
            return patched;
        }
        ObjectNode grant = JSON.createObjectNode();
        grant.put("client_id", clientId);
        grant.put("audience", settings.audience());
        ArrayNode scope = grant.putArray("scope");
        settings.scopes().forEach(scope::add);
        return patched.thenCompose(v -> managementToken())
                .thenCompose(t -> call("POST", "/api/v2/client-grants", grant, t, Set.of(409))); // 409: already granted
    }

    private CompletableFuture<String> managementToken() {
        Token t = token;
        if (t != null && System.currentTimeMillis() < t.expiresAtMillis()) {
            return CompletableFuture.completedFuture(t.value());
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("grant_type", "client_credentials");
        body.put("client_id", settings.clientId());
        body.put("client_secret", settings.clientSecret());
        body.put("audience", settings.base() + "/api/v2/");
        HttpRequest req = HttpRequest.newBuilder(URI.create(settings.base() + "/oauth/token")).timeout(settings.timeout())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        return send(req, "POST /oauth/token (Management API token)", Set.of()).thenApply(r -> {
            JsonNode json;
            try {
                json = JSON.readTree(r.body());
            } catch (JacksonException e) {
                throw new PromotionFailed("the Auth0 token endpoint answered something that is not JSON", false);
            }
            String value = text(json.get("access_token"));
            if (value.isEmpty()) {
                throw new PromotionFailed("the Auth0 token endpoint answered without an access_token", false);
            }
            long ttl = Math.max(60, json.path("expires_in").asLong(3600));
            token = new Token(value, System.currentTimeMillis() + (ttl - 30) * 1000);
            return value;
        });
    }

    private CompletableFuture<Void> call(String method, String path, JsonNode body, String bearer, Set<Integer> alsoOk) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(settings.base() + path)).timeout(settings.timeout())
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + bearer)
                .method(method, HttpRequest.BodyPublishers.ofString(body.toString())).build();
        return send(req, method + " " + path, alsoOk).thenApply(r -> null);
    }

    private CompletableFuture<HttpResponse<String>> send(HttpRequest req, String what, Set<Integer> alsoOk) {
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).handle((r, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                boolean timeout = cause instanceof HttpTimeoutException;
                throw new PromotionFailed("the Auth0 Management API " + (timeout
                        ? "did not answer " + what + " within " + settings.timeout().toMillis() + " ms"
                        : "could not be reached for " + what + ": " + cause.getMessage()), timeout);
            }
            if ((r.statusCode() < 200 || r.statusCode() > 299) && !alsoOk.contains(r.statusCode())) {
                throw new PromotionFailed("the Auth0 Management API answered " + r.statusCode() + " to " + what
                        + errorOf(r.body()), false);
            }
            return r;
        });
    }

    /** Auth0's own error message, short, for the operator (never the whole body). */
    private static String errorOf(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            String msg = text(n.get("message"));
            if (msg.isEmpty()) {
                msg = text(n.get("error_description"));
            }
            return msg.isEmpty() ? "" : ": " + (msg.length() > 200 ? msg.substring(0, 200) + "…" : msg);
        } catch (JacksonException | IllegalArgumentException e) {
            return "";
        }
    }
}
