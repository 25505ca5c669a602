package io.gatewaystack.server.config;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** {@code DATABASE_URL} as the contract allows it: a JDBC URL, or a {@code postgres://user:pass@host:port/db} URL. */
final class JdbcUrls {

    private JdbcUrls() {
    }

    static String toJdbc(String url, String key) {
        if (url.startsWith("jdbc:")) {
            return url;
        }
        if (!url.startsWith("postgres://") && !url.startsWith("postgresql://")) {
            throw new ConfigException(key, "must be a jdbc: URL or a postgres:// URL");
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "is not a valid URL");
        }
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new ConfigException(key, "must name a host and a database");
        }
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
        if (uri.getPort() > 0) {
            jdbc.append(':').append(uri.getPort());
        }
        jdbc.append(uri.getRawPath());
        String sep = "?";
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            jdbc.append(sep).append("user=").append(enc(dec(parts[0])));
            sep = "&";
            if (parts.length == 2) {
                jdbc.append(sep).append("password=").append(enc(dec(parts[1])));
            }
        }
        if (uri.getRawQuery() != null) {
            jdbc.append(sep).append(uri.getRawQuery());
        }
        return jdbc.toString();
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
