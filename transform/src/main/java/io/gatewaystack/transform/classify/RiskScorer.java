package io.gatewaystack.transform.classify;

import io.gatewaystack.transform.detect.BuiltinDetectors;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Derives labels, regulatory flags and the 0-100 risk score from what was found.
 *
 * <p>Labels from findings: {@code pii} for personal data types (and custom detectors labelled pii), {@code secrets}
 * for credentials, {@code financial} for credit_card and iban; classifier labels are added as they come.
 *
 * <p>Flags: {@code pci} when a credit card number was found; {@code gdpr} when any personal data was found;
 * {@code hipaa} when the content is {@code medical} and carries personal data (health information plus an
 * identifier is what makes PHI).
 *
 * <p>Score: {@code min(100, W + 10·(L − 1) + min(20, 2·F))}, where W is the highest label weight, L the number of
 * distinct labels and F the number of findings; 0 with no labels. Weights: secrets 60, prompt_injection 50,
 * jailbreak_attempt 50, code_injection 40, medical 30, financial 25, pii 20, legal 20, anything else 20. So a
 * lone email scores 22, an AWS key 62, a prompt injection 50, injection plus an SSN 72.
 */
public final class RiskScorer {

    public static final Map<String, Integer> WEIGHTS = Map.of("secrets", 60, ClassifierRules.PROMPT_INJECTION, 50,
            ClassifierRules.JAILBREAK, 50, ClassifierRules.CODE_INJECTION, 40, ClassifierRules.MEDICAL, 30,
            ClassifierRules.FINANCIAL, 25, "pii", 20, ClassifierRules.LEGAL, 20);
    private static final int OTHER_WEIGHT = 20;
    private static final Set<String> PERSONAL = Set.of("email", "phone", "ssn", "credit_card", "iban", "ip_address",
            "date_of_birth", "passport_mrz");

    private RiskScorer() {}

    /**
     * @param countsByType     findings per type (all fields of the request)
     * @param customLabels     the label of each custom detector type (custom types not listed count as pii)
     * @param classifierLabels what the classifiers said
     */
    public static RiskAssessment assess(Map<String, Integer> countsByType, Map<String, String> customLabels,
                                        Set<String> classifierLabels) {
        Set<String> labels = new TreeSet<>(classifierLabels);
        boolean personal = false;
        int findings = 0;
        for (Map.Entry<String, Integer> e : countsByType.entrySet()) {
            String type = e.getKey();
            findings += e.getValue();
            if (BuiltinDetectors.SECRET_TYPES.contains(type)) {
                labels.add("secrets");
            } else if (PERSONAL.contains(type)) {
                labels.add("pii");
                personal = true;
            } else {
                String label = customLabels.getOrDefault(type, "pii");
                labels.add(label);
                if (label.equals("pii")) personal = true;
            }
            if (type.equals("credit_card") || type.equals("iban")) labels.add(ClassifierRules.FINANCIAL);
        }
        Set<String> flags = new TreeSet<>();
        if (countsByType.containsKey("credit_card")) flags.add("pci");
        if (personal) flags.add("gdpr");
        if (personal && labels.contains(ClassifierRules.MEDICAL)) flags.add("hipaa");
        return new RiskAssessment(java.util.List.copyOf(labels), java.util.List.copyOf(flags), score(labels, findings));
    }

    static int score(Set<String> labels, int findings) {
        if (labels.isEmpty()) return 0;
        int max = 0;
        for (String l : labels) max = Math.max(max, WEIGHTS.getOrDefault(l, OTHER_WEIGHT));
        return Math.min(100, max + 10 * (labels.size() - 1) + Math.min(20, 2 * findings));
    }
}
