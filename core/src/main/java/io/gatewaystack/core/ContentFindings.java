package io.gatewaystack.core;

import java.util.ArrayList;
import java.util.List;

/**
 * What the transform layer found in the request's content (and, where responses are scanned, in the answer).
 * Holds types and counts, never the sensitive values.
 *
 * @param labels    classification labels (e.g. {@code pii}, {@code medical}, {@code prompt_injection})
 * @param piiTypes  the kinds of personal data and secrets detected
 * @param riskScore 0 to 100
 * @param flags     regulatory flags derived from what was found ({@code gdpr}, {@code hipaa}, {@code pci})
 */
public record ContentFindings(List<String> labels, List<String> piiTypes, int riskScore, List<String> flags) {
    public ContentFindings {
        labels = List.copyOf(labels);
        piiTypes = List.copyOf(piiTypes);
        flags = List.copyOf(flags);
    }

    /** Findings without regulatory flags. */
    public ContentFindings(List<String> labels, List<String> piiTypes, int riskScore) {
        this(labels, piiTypes, riskScore, List.of());
    }

    /**
     * Labels then flags, in one list: what policy rules match as {@code content.labels} and the audit trail
     * records as labels, so a rule can name {@code hipaa} like any label.
     */
    public List<String> labelsAndFlags() {
        if (flags.isEmpty()) return labels;
        List<String> all = new ArrayList<>(labels.size() + flags.size());
        all.addAll(labels);
        for (String f : flags) {
            if (!all.contains(f)) all.add(f);
        }
        return List.copyOf(all);
    }
}
