package io.gatewaystack.core;

import java.util.List;

/**
 * What the transform layer found in the request's content. Holds types and counts, never the sensitive values.
 *
 * @param labels    classification labels (e.g. {@code pii}, {@code medical}, {@code prompt_injection})
 * @param piiTypes  the kinds of personal data detected
 * @param riskScore 0 to 100
 */
public record ContentFindings(List<String> labels, List<String> piiTypes, int riskScore) {
    public ContentFindings {
        labels = List.copyOf(labels);
        piiTypes = List.copyOf(piiTypes);
    }
}
