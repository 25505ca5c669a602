package io.gatewaystack.identity;

import com.nimbusds.jose.JWSAlgorithm;

import java.util.Set;
import java.util.stream.Collectors;

/** One configured issuer with what verifying its tokens needs: its keys, its algorithms and its claim mapping. */
record TrustedIssuer(IssuerConfig config, String normalizedIssuer, Set<JWSAlgorithm> algorithms,
                     JwksKeySource keys, ClaimMapper mapper) {

    static TrustedIssuer of(IssuerConfig config, JwksKeySource keys) {
        Set<JWSAlgorithm> algorithms = config.algorithms().stream()
                .map(JWSAlgorithm::parse)
                .collect(Collectors.toUnmodifiableSet());
        String issuer = config.normalizedIssuer();
        return new TrustedIssuer(config, issuer, algorithms, keys, new ClaimMapper(config.claims(), issuer));
    }
}
