package io.gatewaystack.limits.agent;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The loop check's fingerprint of a tool call: a hash of the tool name and a canonical form of its arguments, so
 * that the same call written differently (key order, whitespace, {@code 1.0} for {@code 1}) is the same call.
 *
 * <p>Canonical form: objects with their keys sorted, strings length-prefixed (no escaping ambiguity), numbers as
 * {@link BigDecimal#stripTrailingZeros()}, {@code true}/{@code false}/{@code null}; no whitespace. The fingerprint
 * is the first 128 bits of SHA-256 over tool name and that form, base64url.
 */
public final class CallFingerprint {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private CallFingerprint() {
    }

    /** The fingerprint of calling {@code tool} with {@code arguments} (null and missing count as {@code {}}). */
    public static String of(String tool, JsonNode arguments) {
        StringBuilder out = new StringBuilder(64);
        string(tool, out);
        if (arguments == null || arguments.isMissingNode() || arguments.isNull()) {
            out.append("{}");
        } else {
            canonical(arguments, out);
        }
        MessageDigest sha = WorkflowId.sha256();
        byte[] digest = sha.digest(out.toString().getBytes(StandardCharsets.UTF_8));
        return B64.encodeToString(java.util.Arrays.copyOf(digest, 16));
    }

    /** The canonical form of a JSON value (exposed for tests). */
    static String canonical(JsonNode node) {
        StringBuilder out = new StringBuilder();
        canonical(node, out);
        return out.toString();
    }

    private static void canonical(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
            fields.sort(Map.Entry.comparingByKey());
            out.append('{');
            for (Map.Entry<String, JsonNode> field : fields) {
                string(field.getKey(), out);
                canonical(field.getValue(), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (JsonNode item : node) {
                canonical(item, out);
            }
            out.append(']');
        } else if (node.isString()) {
            string(node.asString(), out);
        } else if (node.isNumber()) {
            BigDecimal value = node.decimalValue().stripTrailingZeros();
            out.append('n').append(value.signum() == 0 ? "0" : value.toString()).append(';');
        } else if (node.isBoolean()) {
            out.append(node.asBoolean() ? 't' : 'f');
        } else {
            out.append('z'); // null, and anything JSON cannot express (binary, POJO nodes never come from a body)
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('s').append(s.length()).append(':').append(s);
    }
}
