package io.gatewaystack.proxy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Maps the part of a request path after the proxy prefix onto the upstream's base path, refusing anything that
 * could escape it.
 *
 * <p>{@code PROXY_TARGET=http://backend:3000/api} and {@code GET /proxy/users/7?x=1} give {@code /api/users/7?x=1}
 * (unlike the seed, the target's base path is kept). Refused with 400: dot segments ({@code ..} or {@code .},
 * also percent-encoded), encoded slashes or backslashes ({@code %2F}, {@code %5C}), empty segments ({@code //},
 * which is also how {@code /proxy//evil.com} and {@code /proxy/http://evil.com} look), control characters,
 * NUL, and malformed percent-encoding. The path is forwarded still encoded, exactly as received.
 */
public final class UpstreamPath {

    /** The outcome: a path+query to request upstream, or why the request path was refused. */
    public record Result(String pathAndQuery, String problem) {
        public boolean ok() {
            return problem == null;
        }
    }

    private final String basePath;
    private final String injectQueryParam;

    /**
     * @param basePath         the target's path ("" or "/api"; a trailing slash is dropped)
     * @param injectQueryParam {@code PROXY_INJECT_QUERY}: a query parameter to carry the subject, or null
     */
    public UpstreamPath(String basePath, String injectQueryParam) {
        String b = basePath == null ? "" : basePath;
        while (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        this.basePath = b;
        this.injectQueryParam = injectQueryParam == null || injectQueryParam.isBlank() ? null : injectQueryParam;
    }

    /**
     * @param tail     the raw (still percent-encoded) path after the prefix: "" or starting with '/'
     * @param rawQuery the raw query string without '?', or null
     * @param subject  the verified subject, for query injection
     */
    public Result resolve(String tail, String rawQuery, String subject) {
        String problem = checkTail(tail);
        if (problem != null) {
            return new Result(null, problem);
        }
        if (rawQuery != null && containsControl(rawQuery)) {
            return new Result(null, "The query string contains control characters.");
        }
        String path = basePath + tail;
        if (path.isEmpty()) {
            path = "/";
        }
        String query = injectQueryParam == null ? rawQuery : injectSubject(rawQuery, subject);
        return new Result(query == null || query.isEmpty() ? path : path + '?' + query, null);
    }

    /**
     * Why a raw request path is unsafe (dot segments, encoded slashes, empty segments, control characters,
     * malformed escapes), or null when it is fine. The gateway applies this to every request path before routing,
     * so {@code /proxy/../admin} is refused rather than quietly normalised into another route.
     */
    public static String problemWith(String rawPath) {
        return checkTail(rawPath);
    }

    private static String checkTail(String tail) {
        if (tail.isEmpty()) {
            return null;
        }
        if (tail.charAt(0) != '/') {
            return "The proxied path must start with '/'.";
        }
        int segStart = 1;
        for (int i = 1; i <= tail.length(); i++) {
            if (i == tail.length() || tail.charAt(i) == '/') {
                // a trailing slash is an empty last segment and is fine: /proxy/dir/
                if (i == segStart && i != tail.length()) {
                    return "The proxied path must not contain empty segments ('//').";
                }
                String problem = checkSegment(tail, segStart, i);
                if (problem != null) {
                    return problem;
                }
                segStart = i + 1;
            }
        }
        return null;
    }

    private static String checkSegment(String s, int from, int to) {
        int decodedLength = 0;
        boolean allDots = true;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            char decoded;
            if (c == '%') {
                if (i + 2 >= to) {
                    return "The proxied path has malformed percent-encoding.";
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return "The proxied path has malformed percent-encoding.";
                }
                decoded = (char) (hi * 16 + lo);
                i += 2;
            } else {
                decoded = c;
            }
            if (decoded == '/' || decoded == '\\') {
                return "The proxied path must not contain encoded slashes or backslashes.";
            }
            if (decoded < 0x20 || decoded == 0x7f) {
                return "The proxied path contains control characters.";
            }
            if (decoded != '.') {
                allDots = false;
            }
            decodedLength++;
        }
        if (allDots && decodedLength > 0 && decodedLength <= 2) {
            return "The proxied path must not contain '.' or '..' segments.";
        }
        return null;
    }

    private static boolean containsControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /** True when a raw parameter name decodes to the injected one; undecodable names are dropped to be safe. */
    private boolean isInjectedName(String rawName) {
        try {
            return java.net.URLDecoder.decode(rawName, StandardCharsets.UTF_8).equals(injectQueryParam);
        } catch (IllegalArgumentException malformed) {
            return true;
        }
    }

    /** Drops any client-supplied value of the parameter, then appends the verified subject. */
    private String injectSubject(String rawQuery, String subject) {
        StringBuilder q = new StringBuilder();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String rawName = eq < 0 ? pair : pair.substring(0, eq);
                if (pair.isEmpty() || isInjectedName(rawName)) {
                    continue;
                }
                if (!q.isEmpty()) {
                    q.append('&');
                }
                q.append(pair);
            }
        }
        if (subject != null) {
            if (!q.isEmpty()) {
                q.append('&');
            }
            q.append(URLEncoder.encode(injectQueryParam, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(subject, StandardCharsets.UTF_8));
        }
        return q.toString();
    }
}
