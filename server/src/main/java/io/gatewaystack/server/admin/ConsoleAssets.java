package io.gatewaystack.server.admin;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.server.http.ErrorResponder;
import io.gatewaystack.server.http.JsonBodies;
import io.gatewaystack.server.http.Terminal;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's static files (HTML, ES modules, CSS, the vendored chart library) from the jar, under
 * {@code /admin/}, plus {@code /admin/config.json}: what the browser needs to log in (client id, scopes,
 * audience; the issuer's endpoints come from the gateway's own {@code /.well-known/openid-configuration} relay).
 *
 * <p>The files are the ones listed in {@code admin-console/FILES}, read into memory at start: a request can only
 * ever name one of them (no path is resolved against a folder). No Node at runtime, no CDN: the console works
 * air-gapped. Every answer carries a strict Content-Security-Policy: scripts and styles only from the gateway,
 * network calls only to the gateway and the issuer's origin (for the token request).
 */
public final class ConsoleAssets implements Terminal {

    private static final String ROOT = "admin-console/";

    private record Asset(byte[] bytes, String contentType, String etag) {
    }

    private final Map<String, Asset> assets;
    private final byte[] config;
    private final String csp;
    private final ErrorResponder errors;

    ConsoleAssets(Map<String, Object> loginConfig, List<String> issuerOrigins, ErrorResponder errors) {
        this.assets = load();
        this.config = JsonBodies.encode(loginConfig).getBytes();
        this.errors = errors;
        this.csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
                + "connect-src 'self'" + (issuerOrigins.isEmpty() ? "" : " " + String.join(" ", issuerOrigins))
                + "; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    /** The origin (scheme://host[:port]) of a URL, or null. */
    static String origin(String url) {
        try {
            URI u = URI.create(url);
            if (u.getScheme() == null || u.getHost() == null) {
                return null;
            }
            return u.getScheme() + "://" + u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Map<String, Asset> load() {
        ClassLoader cl = ConsoleAssets.class.getClassLoader();
        String list = read(cl, ROOT + "FILES");
        Map<String, Asset> out = new HashMap<>();
        for (String line : list.split("\n")) {
            String name = line.trim();
            if (name.isEmpty() || name.startsWith("#")) {
                continue;
            }
            byte[] bytes = readBytes(cl, ROOT + name);
            out.put(name, new Asset(bytes, contentType(name), "\"" + sha256(bytes) + "\""));
        }
        return Map.copyOf(out);
    }

    private static String read(ClassLoader cl, String resource) {
        return new String(readBytes(cl, resource), StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(ClassLoader cl, String resource) {
        try (InputStream in = cl.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the console resource " + resource + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String contentType(String name) {
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "json" -> "application/json";
            default -> "text/plain; charset=utf-8";
        };
    }

    @Override
    public void handle(HttpServerRequest request, RequestContext ctx) {
        String path = request.path();
        if (path.equals("/admin")) {
            request.response().setStatusCode(302).putHeader("Location", "/admin/").end();
            return;
        }
        String name = path.substring("/admin/".length());
        if (name.equals("config.json")) {
            request.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                    .end(Buffer.buffer(config));
            return;
        }
        Asset asset = assets.get(name.isEmpty() ? "index.html" : name);
        if (asset == null) {
            errors.send(request, ctx, GatewayError.of(ErrorCode.NOT_FOUND, "No such console file."));
            return;
        }
        var response = request.response()
                .putHeader("Content-Security-Policy", csp)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Cache-Control", "no-cache") // revalidate: a new gateway version serves new files
                .putHeader("ETag", asset.etag());
        if (asset.etag().equals(request.getHeader("If-None-Match"))) {
            response.setStatusCode(304).end();
            return;
        }
        response.putHeader("Content-Type", asset.contentType());
        if ("HEAD".equals(request.method().name())) {
            response.putHeader("Content-Length", Integer.toString(asset.bytes().length)).end();
        } else {
            response.end(Buffer.buffer(asset.bytes())); // a Buffer per response: buffers are not shared across event loops
        }
    }

    /** What {@code /admin/config.json} says. */
    static Map<String, Object> loginConfig(String clientId, List<String> scopes, String audience, String scope, String mode) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("client_id", clientId);
        m.put("scope", String.join(" ", scopes));
        m.put("audience", audience);
        m.put("admin_scope", scope);
        m.put("mode", mode);
        return m;
    }
}
