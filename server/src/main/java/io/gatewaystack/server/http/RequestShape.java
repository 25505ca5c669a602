package io.gatewaystack.server.http;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Verdict;
import java.util.Map;
import java.util.Set;

/**
 * The cheap checks that come before any security layer: is the method allowed on this route, and does a
 * declared {@code Content-Length} fit the body limit. (Bodies without a length are counted as they stream.)
 * Being a layer, a refusal here is audited like any other.
 */
public final class RequestShape implements Layer {

    private final Set<String> methods;
    private final long maxBodyBytes;
    private final Verdict methodNotAllowed;
    private final Verdict tooLarge;

    /** @param methods allowed methods in upper case; empty means any */
    public RequestShape(Set<String> methods, long maxBodyBytes) {
        this.methods = Set.copyOf(methods);
        this.maxBodyBytes = maxBodyBytes;
        this.methodNotAllowed = Verdict.reject(new GatewayError(ErrorCode.METHOD_NOT_ALLOWED,
                "This route accepts only " + String.join(", ", methods.stream().sorted().toList()) + ".", null,
                Map.of("allowed_methods", methods.stream().sorted().toList())));
        this.tooLarge = Verdict.reject(new GatewayError(ErrorCode.PAYLOAD_TOO_LARGE,
                "The request body is larger than the limit of " + maxBodyBytes + " bytes.", null,
                Map.of("max_bytes", maxBodyBytes)));
    }

    @Override
    public String name() {
        return "request-shape";
    }

    @Override
    public Verdict onRequest(RequestContext context) {
        if (!methods.isEmpty() && !methods.contains(context.method())) {
            return methodNotAllowed;
        }
        String length = context.headers().get("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                return Verdict.reject(ErrorCode.INVALID_REQUEST, "The Content-Length header is not a number.");
            }
            if (declared < 0) {
                return Verdict.reject(ErrorCode.INVALID_REQUEST, "The Content-Length header is negative.");
            }
            if (declared > maxBodyBytes) {
                return tooLarge;
            }
        }
        return Verdict.proceed();
    }

    public GatewayError tooLargeError() {
        return tooLarge.rejection();
    }
}
