package io.gatewaystack.identity;

import java.util.List;

/**
 * What the verifier last saw of one issuer's signing keys (for {@code /health/idp}).
 *
 * @param issuer        the configured issuer
 * @param audiences     the accepted audiences
 * @param jwksUri       where the keys are fetched from: the configured URI, else the one discovery found, else null
 *                      while not yet resolved
 * @param jwksReachable whether the last fetch succeeded (false before the first fetch)
 * @param keyCount      how many signing keys are held now
 * @param lastError     the last fetch failure as one line, or null when the last fetch succeeded
 */
public record IssuerStatus(String issuer, List<String> audiences, String jwksUri, boolean jwksReachable, int keyCount,
                           String lastError) {
    public IssuerStatus {
        audiences = List.copyOf(audiences);
    }
}
