package io.gatewaystack.proxy.upstream;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.gatewaystack.core.Identity;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Produces the headers that authenticate a request to an upstream, per {@link UpstreamAuth} mode.
 *
 * <ul>
 *   <li>{@code api_key}: {@code <headerName>: <key>} ({@code Authorization} values get a {@code Bearer } prefix).</li>
 *   <li>{@code forward_bearer}: {@code Authorization: Bearer <the client's verified token>}.</li>
 *   <li>{@code service_oauth}: a client-credentials token, fetched once and shared by all users until shortly before
 *       it expires.</li>
 *   <li>{@code user_oauth}: an RFC 8693 token exchange of the client's token, cached per (issuer, subject, user
 *       token): a user who presents a new token gets a fresh exchange.</li>
 *   <li>{@code none}: no headers.</li>
 * </ul>
 *
 * <p>Token endpoint calls are blocking {@link HttpClient#send} calls run on the {@link Executor} given to the
 * constructor (never on the caller's thread), with a request timeout and redirects disabled. Concurrent callers that
 * need the same token share one in-flight request. A failure completes every waiting stage exceptionally with an
 * {@link UpstreamAuthException} (through {@link CompletionStage} composition it arrives wrapped in a
 * {@link java.util.concurrent.CompletionException}) and is not cached: the next call tries again.
 *
 * <p>Tokens are refreshed {@code refreshSkew} (default 30 s, at most half the lifetime) before {@code expires_in}
 * runs out; a response without {@code expires_in} is cached for {@link #DEFAULT_LIFETIME}. The cache holds at most
 * {@code maxEntries} tokens; expired ones are dropped first.
 *
 * <p>Nothing here logs; exception messages name the mode and token endpoint, never a secret or a token.
 */
public final class UpstreamCredentials implements AutoCloseable {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REFRESH_SKEW = Duration.ofSeconds(30);
    /** How long a token whose response carries no {@code expires_in} is reused. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);
    public static final int DEFAULT_MAX_ENTRIES = 10_000;

    static final String GRANT_CLIENT_CREDENTIALS = "client_credentials";
    static final String GRANT_TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String TOKEN_TYPE_ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";
    private static final int MAX_RESPONSE_BYTES = 64 * 1024;

    private final Executor executor;
    private final HttpClient http;
    private final boolean ownsHttp;
    private final Clock clock;
    private final Duration requestTimeout;
    private final Duration refreshSkew;
    private final int maxEntries;
    private final ConcurrentHashMap<Key, Entry> cache = new ConcurrentHashMap<>();
    private final AtomicLong tokenRequests = new AtomicLong();

    /** Defaults: own {@link HttpClient} (5 s connect timeout, no redirects), system UTC clock, 10 s request timeout. */
    public UpstreamCredentials(Executor executor) {
        this(executor, null, Clock.systemUTC(), DEFAULT_REQUEST_TIMEOUT, DEFAULT_REFRESH_SKEW, DEFAULT_MAX_ENTRIES);
    }

    /**
     * @param executor       runs the blocking token requests
     * @param httpClient     the client for token endpoints, or null for an own one (5 s connect timeout, redirects
     *                       never followed); a given client is not closed by {@link #close()}
     * @param clock          decides token expiry (inject a fixed clock in tests)
     * @param requestTimeout per token request
     * @param refreshSkew    how long before expiry a token is replaced
     * @param maxEntries     cache bound
     */
    public UpstreamCredentials(Executor executor, HttpClient httpClient, Clock clock, Duration requestTimeout,
                               Duration refreshSkew, int maxEntries) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.refreshSkew = Objects.requireNonNull(refreshSkew, "refreshSkew");
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive");
        }
        this.maxEntries = maxEntries;
        if (httpClient == null) {
            this.http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
            this.ownsHttp = true;
        } else {
            this.http = httpClient;
            this.ownsHttp = false;
        }
    }

    /**
     * The headers to set on the upstream request.
     *
     * @param auth            the target's mode
     * @param userBearerToken the client's verified access token (raw, without {@code Bearer }), needed by
     *                        {@code forward_bearer} and {@code user_oauth}; may be null otherwise
     * @param identity        the verified identity, used to key {@code user_oauth} tokens and cap their lifetime at
     *                        the user token's expiry; may be null
     * @return an immutable header map (empty for {@code none}); completes exceptionally with
     *         {@link UpstreamAuthException} when no credentials can be produced
     */
    public CompletionStage<Map<String, String>> headersFor(UpstreamAuth auth, String userBearerToken,
                                                           Identity identity) {
        Objects.requireNonNull(auth, "auth");
        try {
            return switch (auth) {
                case UpstreamAuth.None none -> CompletableFuture.completedFuture(Map.of());
                case UpstreamAuth.ApiKey key -> CompletableFuture.completedFuture(
                        Map.of(key.headerName(), apiKeyHeaderValue(key)));
                case UpstreamAuth.ForwardBearer fb -> {
                    requireUserToken(userBearerToken, auth);
                    yield CompletableFuture.completedFuture(bearer(userBearerToken));
                }
                case UpstreamAuth.ServiceOAuth so -> token(new Key(so, ""), () -> fetch(so.tokenEndpoint(),
                        so.clientId(), so.clientSecret(), clientCredentialsForm(so), null))
                        .thenApply(UpstreamCredentials::bearerOf);
                case UpstreamAuth.UserOAuth uo -> {
                    requireUserToken(userBearerToken, auth);
                    Instant notAfter = identity == null ? null : identity.expiresAt();
                    yield token(new Key(uo, userKey(identity, userBearerToken)), () -> fetch(uo.tokenEndpoint(),
                            uo.clientId(), uo.clientSecret(), tokenExchangeForm(uo, userBearerToken), notAfter))
                            .thenApply(UpstreamCredentials::bearerOf);
                }
            };
        } catch (UpstreamAuthException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Drops every cached token of this mode, e.g. after the upstream answered 401 with a cached token (revoked or
     * rotated key). In-flight requests are not cancelled.
     */
    public void invalidate(UpstreamAuth auth) {
        cache.keySet().removeIf(k -> k.auth().equals(auth));
    }

    /** Token endpoint requests started so far (metrics and tests). */
    public long tokenRequestCount() {
        return tokenRequests.get();
    }

    /** Cached or in-flight tokens. */
    public int cachedTokenCount() {
        return cache.size();
    }

    @Override
    public void close() {
        cache.clear();
        if (ownsHttp) {
            http.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ cache

    /** One cached token per key: the auth mode plus, for token exchange, the user. Never printed. */
    private record Key(UpstreamAuth auth, String user) {
    }

    private record Token(String accessToken, Instant refreshAt) {
        @Override
        public String toString() {
            return "Token[refreshAt=" + refreshAt + "]";
        }
    }

    private record Entry(CompletableFuture<Token> future) {
        boolean usable(Instant now) {
            if (!future.isDone()) {
                return true; // in flight: join it
            }
            if (future.isCompletedExceptionally()) {
                return false;
            }
            return now.isBefore(future.join().refreshAt());
        }
    }

    @FunctionalInterface
    private interface Fetch {
        Token get();
    }

    private CompletableFuture<Token> token(Key key, Fetch fetch) {
        while (true) {
            Entry current = cache.get(key);
            if (current != null && current.usable(clock.instant())) {
                return current.future();
            }
            Entry fresh = new Entry(new CompletableFuture<>());
            boolean installed = current == null
                    ? cache.putIfAbsent(key, fresh) == null
                    : cache.replace(key, current, fresh);
            if (!installed) {
                continue; // another caller got there first: share its request
            }
            if (cache.size() > maxEntries) {
                evict(key);
            }
            try {
                executor.execute(() -> {
                    Token t;
                    try {
                        t = fetch.get();
                    } catch (Throwable e) {
                        cache.remove(key, fresh); // failures are never cached
                        fresh.future().completeExceptionally(e instanceof UpstreamAuthException
                                ? e : new UpstreamAuthException(key.auth().mode() + ": token request failed", e));
                        return;
                    }
                    fresh.future().complete(t);
                });
            } catch (RejectedExecutionException e) {
                cache.remove(key, fresh);
                fresh.future().completeExceptionally(new UpstreamAuthException(
                        key.auth().mode() + ": token request rejected by the executor", e));
            }
            return fresh.future();
        }
    }

    private void evict(Key keep) {
        Instant now = clock.instant();
        cache.entrySet().removeIf(e -> !e.getKey().equals(keep) && e.getValue().future().isDone()
                && !e.getValue().usable(now));
        if (cache.size() > maxEntries) {
            cache.entrySet().removeIf(e -> !e.getKey().equals(keep) && e.getValue().future().isDone());
        }
    }

    // ------------------------------------------------------------------------------------------------ token requests

    private static Map<String, String> clientCredentialsForm(UpstreamAuth.ServiceOAuth so) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", GRANT_CLIENT_CREDENTIALS);
        putIfPresent(form, "scope", so.scope());
        putIfPresent(form, "audience", so.audience());
        return form;
    }

    private static Map<String, String> tokenExchangeForm(UpstreamAuth.UserOAuth uo, String subjectToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", GRANT_TOKEN_EXCHANGE);
        form.put("subject_token", subjectToken);
        form.put("subject_token_type", TOKEN_TYPE_ACCESS_TOKEN);
        form.put("requested_token_type", TOKEN_TYPE_ACCESS_TOKEN);
        putIfPresent(form, "audience", uo.audience());
        putIfPresent(form, "scope", uo.scope());
        return form;
    }

    private Token fetch(URI endpoint, String clientId, SecretValue secret, Map<String, String> form,
                        Instant notAfter) {
        tokenRequests.incrementAndGet();
        String where = endpointForMessages(endpoint);
        String grant = form.get("grant_type").equals(GRANT_TOKEN_EXCHANGE) ? "token exchange" : "client credentials";
        Instant started = clock.instant();
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(requestTimeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (formEncode(clientId) + ":" + formEncode(secret.reveal())).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(formBody(form)))
                .build();
        int status;
        String body;
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            try (InputStream in = response.body()) {
                byte[] bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
                if (bytes.length > MAX_RESPONSE_BYTES) {
                    throw new UpstreamAuthException(grant + " at " + where + ": response larger than "
                            + MAX_RESPONSE_BYTES + " bytes");
                }
                body = new String(bytes, StandardCharsets.UTF_8);
            }
        } catch (HttpTimeoutException e) {
            throw new UpstreamAuthException(grant + " at " + where + ": timed out", e);
        } catch (IOException e) {
            throw new UpstreamAuthException(grant + " at " + where + ": request failed (" + e.getClass().getSimpleName()
                    + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamAuthException(grant + " at " + where + ": interrupted", e);
        }

        Map<String, Object> json;
        try {
            json = JSONObjectUtils.parse(body);
        } catch (ParseException e) {
            json = null;
        }
        if (status != 200) {
            String detail = "";
            if (json != null && json.get("error") instanceof String error) {
                detail = ": " + clean(error)
                        + (json.get("error_description") instanceof String d ? " (" + clean(d) + ")" : "");
            }
            throw new UpstreamAuthException(grant + " at " + where + ": HTTP " + status + detail);
        }
        if (json == null) {
            throw new UpstreamAuthException(grant + " at " + where + ": response is not a JSON object");
        }
        if (!(json.get("access_token") instanceof String accessToken) || accessToken.isEmpty()
                || !accessToken.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new UpstreamAuthException(grant + " at " + where + ": response has no usable access_token");
        }
        if (json.get("token_type") instanceof String type && !type.equalsIgnoreCase("bearer")) {
            throw new UpstreamAuthException(grant + " at " + where + ": token_type " + clean(type)
                    + " is not Bearer");
        }
        Duration lifetime = DEFAULT_LIFETIME;
        Object expiresIn = json.get("expires_in");
        if (expiresIn instanceof Number n) {
            lifetime = Duration.ofSeconds(n.longValue());
        } else if (expiresIn instanceof String s && s.matches("[0-9]{1,10}")) {
            lifetime = Duration.ofSeconds(Long.parseLong(s));
        }
        Duration skew = refreshSkew.compareTo(lifetime.dividedBy(2)) < 0 ? refreshSkew : lifetime.dividedBy(2);
        Instant refreshAt = started.plus(lifetime).minus(skew);
        if (notAfter != null && notAfter.isBefore(refreshAt)) {
            refreshAt = notAfter;
        }
        return new Token(accessToken, refreshAt);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** An Authorization value that already names its scheme ("Bearer x", "Basic y"); compiled once, used per call. */
    private static final java.util.regex.Pattern HAS_SCHEME = java.util.regex.Pattern.compile("(?i)[a-z][a-z0-9-]* .*");

    private static String apiKeyHeaderValue(UpstreamAuth.ApiKey key) {
        String value = key.value().reveal();
        if (key.headerName().equalsIgnoreCase("authorization") && !HAS_SCHEME.matcher(value).matches()) {
            return "Bearer " + value;
        }
        return value;
    }

    private static void requireUserToken(String token, UpstreamAuth auth) {
        if (token == null || token.isEmpty()) {
            throw new UpstreamAuthException(auth.mode() + " needs the client's bearer token, and the request has none");
        }
        if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new UpstreamAuthException(auth.mode() + ": the client's token is not a raw bearer token");
        }
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    private static Map<String, String> bearerOf(Token token) {
        return bearer(token.accessToken());
    }

    /** Cache key part for an exchanged token: the user and a digest of the token it was exchanged from. */
    private static String userKey(Identity identity, String userToken) {
        String digest;
        try {
            digest = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(userToken.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return identity == null ? digest : identity.issuer() + "\n" + identity.subject() + "\n" + digest;
    }

    private static void putIfPresent(Map<String, String> form, String name, String value) {
        if (value != null) {
            form.put(name, value);
        }
    }

    private static String formBody(Map<String, String> form) {
        StringBuilder sb = new StringBuilder();
        form.forEach((k, v) -> {
            if (!sb.isEmpty()) {
                sb.append('&');
            }
            sb.append(formEncode(k)).append('=').append(formEncode(v));
        });
        return sb.toString();
    }

    /** application/x-www-form-urlencoded, as RFC 6749 §2.3.1 requires for client_secret_basic too. */
    private static String formEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String endpointForMessages(URI endpoint) {
        return endpoint.getScheme() + "://" + endpoint.getRawAuthority() + (endpoint.getRawPath() == null ? ""
                : endpoint.getRawPath());
    }

    private static String clean(String s) {
        String c = s.replaceAll("[\\p{Cntrl}]", " ");
        return c.length() > 200 ? c.substring(0, 200) + "…" : c;
    }
}
