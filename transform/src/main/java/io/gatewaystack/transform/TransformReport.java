package io.gatewaystack.transform;

import io.gatewaystack.transform.classify.RiskAssessment;
import io.gatewaystack.transform.redact.Pseudonyms;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything the transform found in one request, without the sensitive values (those exist only inside
 * {@link #pseudonyms()}, whose {@code toString} prints a count). Stored in the request context under
 * {@link TransformLayer#REPORT_ATTRIBUTE}.
 *
 * @param fields         findings per text field (fields without findings are left out)
 * @param countsByType   findings per type, sorted by type
 * @param changedByType  findings whose action changed the text (mask, placeholder, remove, pseudonymize), per type
 * @param blockedTypes   types found whose action is BLOCK, sorted
 * @param assessment     labels, regulatory flags and risk score
 * @param blocked        the request is refused (risk at or over the threshold, or a BLOCK type found)
 * @param modified       some text changed
 * @param pseudonyms     the request's reversible mapping (empty unless an action pseudonymised something)
 */
public record TransformReport(List<FieldFindings> fields, SortedMap<String, Integer> countsByType,
                              SortedMap<String, Integer> changedByType, List<String> blockedTypes,
                              RiskAssessment assessment, boolean blocked, boolean modified, Pseudonyms pseudonyms) {

    public TransformReport {
        fields = List.copyOf(fields);
        countsByType = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(countsByType));
        changedByType = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(changedByType));
        blockedTypes = List.copyOf(blockedTypes);
    }

    /** The value of {@code X-GatewayStack-Redacted}, e.g. {@code credit_card=1,email=2}; null when nothing changed. */
    public String redactedHeaderValue() {
        if (changedByType.isEmpty()) return null;
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Integer> e : changedByType.entrySet()) {
            if (!sb.isEmpty()) sb.append(',');
            sb.append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }

    /** Labels then regulatory flags, as written to {@code ContentFindings.labels} and the 403 body. */
    public List<String> labelsAndFlags() {
        List<String> all = new ArrayList<>(assessment.labels());
        all.addAll(assessment.flags());
        return List.copyOf(all);
    }

    public int totalFindings() {
        return countsByType.values().stream().mapToInt(Integer::intValue).sum();
    }
}
