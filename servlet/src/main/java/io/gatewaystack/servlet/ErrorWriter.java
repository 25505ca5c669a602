package io.gatewaystack.servlet;

import io.gatewaystack.core.BearerChallenge;
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
        return BearerChallenge.of(null, realm, error);
    }
}
