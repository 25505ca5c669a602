package io.gatewaystack.identity;

import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.Identity;

import java.util.Objects;

/** The outcome of {@link TokenVerifier#verify}: the identity behind a valid token, or why the token was refused. */
public sealed interface VerificationResult {

    record Verified(Identity identity) implements VerificationResult {
        public Verified {
            Objects.requireNonNull(identity, "identity");
        }
    }

    record Rejected(GatewayError error) implements VerificationResult {
        public Rejected {
            Objects.requireNonNull(error, "error");
        }
    }
}
