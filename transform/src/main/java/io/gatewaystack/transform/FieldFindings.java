package io.gatewaystack.transform;

import io.gatewaystack.transform.detect.Finding;
import java.util.List;

/**
 * The findings in one text field of a body.
 *
 * @param path     JSON Pointer of the field ({@code ""} for a plain text)
 * @param findings non-overlapping, by start; offsets are chars of the field's original text
 */
public record FieldFindings(String path, List<Finding> findings) {
    public FieldFindings {
        findings = List.copyOf(findings);
    }
}
