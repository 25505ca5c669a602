package io.gatewaystack.server;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small blocking HTTP client for tests: real HTTP over loopback, any header allowed (unlike the JDK client). */
final class Http implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();

    record Response(int status, MultiMap headers, String body) {
        JsonNode json() {
            JsonNode node = JSON.readTree(body);
            if (node == null || !(node.isObject() || node.isArray())) {
                throw new AssertionError("expected a JSON body, got status " + status + " and body '" + body + "'");
            }
            return node;
        }

        String header(String name) {
            return headers.get(name);
        }
    }

    private final HttpClient client;
    private final Vertx vertx;

    Http(Vertx vertx) {
        this.vertx = vertx;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    }

    /**
     * Runs a request chain on an event loop and waits for it. Composing Vert.x futures from a test thread races:
     * a stage registered after its future completed runs on the test thread, too late to catch the body.
     */
    <T> T onEventLoop(java.util.function.Function<HttpClient, io.vertx.core.Future<T>> chain) {
        io.vertx.core.Promise<T> promise = io.vertx.core.Promise.promise();
        vertx.getOrCreateContext().runOnContext(v -> chain.apply(client).onComplete(promise));
        try {
            return promise.future().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e.toString(), e);
        }
    }

    Response get(String url, String... headers) {
        return send(HttpMethod.GET, url, null, headers);
    }

    Response post(String url, String body, String... headers) {
        return send(HttpMethod.POST, url, body == null ? null : Buffer.buffer(body, "UTF-8"), headers);
    }

    Response send(HttpMethod method, String url, Buffer body, String... headers) {
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(url).setIdleTimeout(20_000);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            options.addHeader(headers[i], headers[i + 1]);
        }
        try {
            return onEventLoop(c -> c.request(options)
                    .compose(req -> body == null ? req.send() : req.send(body))
                    .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(),
                            MultiMap.caseInsensitiveMultiMap().addAll(resp.headers()), b.toString(StandardCharsets.UTF_8)))));
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + url + " failed: " + e, e);
        }
    }

    static String bearer(String token) {
        return "Bearer " + token;
    }

    static Map<String, Object> map(Object... kv) {
        java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Override
    public void close() {
        client.close();
    }
}
