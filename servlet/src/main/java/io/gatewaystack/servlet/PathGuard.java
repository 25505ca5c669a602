package io.gatewaystack.servlet;

/**
 * Refuses request URIs that different parsers read differently, before any decision is taken on them: dot
 * segments ({@code /public/../notes}), encoded dots, slashes and backslashes, empty segments, path parameters
 * ({@code ;}), backslashes and control characters. The container normalises such a URI for its servlet mapping, but
 * a framework may match the raw one (Spring MVC does), so an excluded path or a policy rule could otherwise see one
 * path while the application serves another. Spring Security's strict firewall refuses the same set.
 */
final class PathGuard {

    private PathGuard() {
    }

    /** Why the raw request URI is refused, or null when it is canonical. */
    static String problemWith(String rawUri) {
        if (rawUri == null || rawUri.isEmpty() || rawUri.charAt(0) != '/') {
            return "The request path must start with '/'.";
        }
        int segmentStart = 1;
        for (int i = 1; i <= rawUri.length(); i++) {
            if (i < rawUri.length() && rawUri.charAt(i) != '/') {
                continue;
            }
            if (i == segmentStart && i != rawUri.length()) {
                return "The request path must not contain empty segments ('//').";
            }
            String problem = segmentProblem(rawUri, segmentStart, i);
            if (problem != null) {
                return problem;
            }
            segmentStart = i + 1;
        }
        return null;
    }

    private static String segmentProblem(String s, int from, int to) {
        int dots = 0;
        int length = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= to) {
                    return "The request path has malformed percent-encoding.";
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return "The request path has malformed percent-encoding.";
                }
                c = (char) (hi * 16 + lo);
                if (c == '/' || c == '\\' || c == '.') {
                    return "The request path must not encode '/', '\\' or '.'.";
                }
                i += 2;
            }
            if (c == ';') {
                return "The request path must not carry path parameters (';').";
            }
            if (c == '\\' || c < 0x20 || c == 0x7f) {
                return "The request path must not contain backslashes or control characters.";
            }
            if (c == '.') {
                dots++;
            }
            length++;
        }
        if (length > 0 && dots == length && length <= 2) {
            return "The request path must not contain '.' or '..' segments.";
        }
        return null;
    }
}
