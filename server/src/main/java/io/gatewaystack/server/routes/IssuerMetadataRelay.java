package io.gatewaystack.server.routes;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Relays the issuer's OAuth authorization server metadata (RFC 8414) and OpenID configuration, so MCP and
 * ChatGPT clients that discover the gateway find the IdP's endpoints. Each fetch tries up to three times with
 * back-off, each try bounded by a timeout; a good answer is cached for five minutes, so discovery traffic does
 * not reach the IdP per request.
 *
 * <p>Where the document lives differs between IdPs: RFC 8414 inserts the well-known segment before the
 * issuer's path ({@code https://idp/.well-known/oauth-authorization-server/tenant}), many IdPs append it
 * ({@code https://idp/tenant/.well-known/...}), and some publish only the OpenID configuration (a superset).
 * The candidates are tried in that order; a 404 moves to the next candidate without retrying.
 */
public final class IssuerMetadataRelay {

    public enum Document { AUTHORIZATION_SERVER, OPENID_CONFIGURATION }

    private record Cached(Buffer body, long expiresAtNanos) {}

    private static final long[] BACKOFF_MILLIS = {150, 300};
    private static final long CACHE_NANOS = Duration.ofMinutes(5).toNanos();

    private final Vertx vertx;
    private final HttpClient client;
    private final Duration timeout;
    private final Map<Document, List<String>> candidates;
    private final Map<Document, Cached> cache = new ConcurrentHashMap<>();

    public IssuerMetadataRelay(Vertx vertx, HttpClient client, String issuer, Duration timeout) {
        this.vertx = vertx;
        this.client = client;
        this.timeout = timeout;
        String trimmed = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        URI uri = URI.create(trimmed);
        String origin = uri.getScheme() + "://" + uri.getRawAuthority();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String as = "/.well-known/oauth-authorization-server";
        String oidc = "/.well-known/openid-configuration";
        this.candidates = Map.of(
                Document.AUTHORIZATION_SERVER, path.isEmpty()
                        ? List.of(origin + as, origin + oidc)
                        : List.of(origin + as + path, trimmed + as, trimmed + oidc),
                Document.OPENID_CONFIGURATION, path.isEmpty()
                        ? List.of(origin + oidc)
                        : List.of(trimmed + oidc, origin + oidc + path));
    }

    /** The document's JSON bytes, or a failed future with a short reason when no candidate answered. */
    public Future<Buffer> fetch(Document document) {
        Cached cached = cache.get(document);
        if (cached != null && cached.expiresAtNanos() - System.nanoTime() > 0) {
            return Future.succeededFuture(cached.body());
        }
        Promise<Buffer> promise = Promise.promise();
        tryCandidate(document, candidates.get(document), 0, 0, "no candidate", promise);
        return promise.future().onSuccess(body -> cache.put(document, new Cached(body, System.nanoTime() + CACHE_NANOS)));
    }

    private void tryCandidate(Document doc, List<String> urls, int index, int attempt, String lastProblem, Promise<Buffer> promise) {
        if (index >= urls.size()) {
            promise.fail(lastProblem);
            return;
        }
        String url = urls.get(index);
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
                .setConnectTimeout(timeout.toMillis()).setIdleTimeout(timeout.toMillis())
                .putHeader("Accept", "application/json");
        client.request(options)
                .compose(req -> req.send())
                .compose(resp -> resp.body().map(body -> new Object[] {resp.statusCode(), body}))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        int status = (int) ar.result()[0];
                        Buffer body = (Buffer) ar.result()[1];
                        if (status == 200 && looksLikeJsonObject(body)) {
                            promise.complete(body);
                            return;
                        }
                        if (status == 404 || status == 200) {
                            tryCandidate(doc, urls, index + 1, 0, "http_" + status, promise);
                            return;
                        }
                        retryOrNext(doc, urls, index, attempt, "http_" + status, promise);
                    } else {
                        retryOrNext(doc, urls, index, attempt, "unreachable", promise);
                    }
                });
    }

    private void retryOrNext(Document doc, List<String> urls, int index, int attempt, String problem, Promise<Buffer> promise) {
        if (attempt < BACKOFF_MILLIS.length) {
            vertx.setTimer(BACKOFF_MILLIS[attempt], t -> tryCandidate(doc, urls, index, attempt + 1, problem, promise));
        } else {
            tryCandidate(doc, urls, index + 1, 0, problem, promise);
        }
    }

    private static boolean looksLikeJsonObject(Buffer body) {
        for (int i = 0; i < body.length(); i++) {
            byte b = body.getByte(i);
            if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                continue;
            }
            return b == '{';
        }
        return false;
    }
}
