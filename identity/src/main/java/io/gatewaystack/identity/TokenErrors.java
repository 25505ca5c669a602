package io.gatewaystack.identity;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;

/**
 * Every answer the identity layer gives to a bad token. Each description is one sentence that names the problem
 * and never the token or a claim value (they would end up in logs and in WWW-Authenticate headers).
 */
final class TokenErrors {

    private TokenErrors() {
    }

    static final GatewayError MISSING = GatewayError.of(ErrorCode.MISSING_TOKEN,
            "The request has no bearer access token.");
    static final GatewayError TOO_LARGE = invalid("The access token is too large.");
    static final GatewayError MALFORMED = invalid("The access token is not a well-formed signed JWT.");
    static final GatewayError ENCRYPTED = GatewayError.of(ErrorCode.ENCRYPTED_TOKEN,
            "The access token is an encrypted JWE; a signed JWT is required.");
    static final GatewayError WRONG_TYPE = invalid("The access token has a type that is not accepted.");
    static final GatewayError UNTRUSTED_ISSUER = invalid("The token was issued by an untrusted issuer.");
    static final GatewayError ALGORITHM_NOT_ALLOWED = invalid("The token's signing algorithm is not allowed.");
    static final GatewayError UNKNOWN_KEY = invalid("The token was signed with an unknown key.");
    static final GatewayError BAD_SIGNATURE = invalid("The token signature is invalid.");
    static final GatewayError KEYS_UNAVAILABLE = GatewayError.of(ErrorCode.UNAVAILABLE,
            "The identity provider's signing keys cannot be fetched right now.");
    static final GatewayError NO_EXPIRY = invalid("The access token has no expiry time.");
    static final GatewayError EXPIRED = GatewayError.of(ErrorCode.TOKEN_EXPIRED, "The access token has expired.");
    static final GatewayError NOT_YET_VALID = invalid("The access token is not valid yet.");
    static final GatewayError WRONG_AUDIENCE = invalid("The token was not issued for this audience.");
    static final GatewayError NO_SUBJECT = invalid("The access token has no subject.");
    static final GatewayError VERIFIER_BUSY = GatewayError.of(ErrorCode.UNAVAILABLE,
            "The gateway cannot verify tokens right now; try again shortly.");
    static final GatewayError VERIFIER_FAILED = GatewayError.of(ErrorCode.INTERNAL_ERROR,
            "The gateway could not verify the access token.");

    private static GatewayError invalid(String description) {
        return GatewayError.of(ErrorCode.INVALID_TOKEN, description);
    }
}
