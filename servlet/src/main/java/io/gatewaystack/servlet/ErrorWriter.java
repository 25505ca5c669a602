package io.gatewaystack.servlet;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the contract's error answer, as the gateway does: {@code {"error", "error_description", ...details}},
 * {@code Cache-Control: no-store}, a {@code WWW-Authenticate: Bearer} challenge (RFC 6750) on authentication and
 * scope errors, {@code Retry-After} when the error names one.
 */
final class ErrorWriter {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String realm;

    /** @param realm the {@code realm} of the challenge (the application's name), or null for none */
    ErrorWriter(String realm) {
        this.realm = realm;
    }

    static Map<String, Object> body(GatewayError error) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error.code().code());
        body.put("error_description", error.description());
        body.putAll(error.details());
        return body;
    }

    void write(HttpServletResponse response, GatewayError error) throws IOException {
        if (response.isCommitted()) {
            return; // too late for a status; the container ends the exchange
        }
        response.resetBuffer();
        response.setStatus(error.status());
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        if (error.code().isAuthChallenge()) {
            response.setHeader("WWW-Authenticate", challenge(error));
        }
        if (error.details().get("retry_after") instanceof Number seconds) {
            response.setHeader("Retry-After", Long.toString(seconds.longValue()));
        }
        byte[] bytes = JSON.writeValueAsBytes(body(error));
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
        response.flushBuffer();
    }

    String challenge(GatewayError error) {
        StringBuilder sb = new StringBuilder("Bearer");
        String sep = " ";
        if (realm != null) {
            sb.append(sep).append("realm=\"").append(quoted(realm)).append('"');
            sep = ", ";
        }
        // RFC 6750 §3: no error attribute when the request carried no credentials at all.
        if (error.code() != ErrorCode.MISSING_TOKEN) {
            String rfcError = error.code() == ErrorCode.INSUFFICIENT_SCOPE ? "insufficient_scope" : "invalid_token";
            sb.append(sep).append("error=\"").append(rfcError).append('"');
            sb.append(", error_description=\"").append(quoted(error.description())).append('"');
            sep = ", ";
        }
        if (error.scope() != null && !error.scope().isBlank()) {
            sb.append(sep).append("scope=\"").append(quoted(error.scope())).append('"');
        }
        return sb.toString();
    }

    /** RFC 6750 quoted-string content: no quotes, backslashes or control characters. */
    private static String quoted(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\'');
            } else if (c >= 0x20 && c < 0x7f) {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
