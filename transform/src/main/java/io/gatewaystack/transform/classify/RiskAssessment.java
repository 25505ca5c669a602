package io.gatewaystack.transform.classify;

import java.util.List;

/**
 * The classification of one request's content.
 *
 * @param labels    content labels, sorted (pii, secrets, medical, financial, legal, prompt_injection, ...)
 * @param flags     regulatory flags, sorted (gdpr, hipaa, pci)
 * @param riskScore 0..100, see {@link RiskScorer}
 */
public record RiskAssessment(List<String> labels, List<String> flags, int riskScore) {
    public RiskAssessment {
        labels = List.copyOf(labels);
        flags = List.copyOf(flags);
    }

    public static final RiskAssessment NONE = new RiskAssessment(List.of(), List.of(), 0);
}
