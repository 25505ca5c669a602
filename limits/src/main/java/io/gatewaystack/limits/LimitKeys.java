package io.gatewaystack.limits;

import io.gatewaystack.core.Identity;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.ResourceRequest;

/**
 * Builds counter keys from what the gateway verified: {@code <rule>|u=<sub>|o=<org>...} in the rule's key-part
 * order. Values are percent-escaped for {@code % | = { }} so no value can forge another key or break the Redis hash
 * tag.
 */
public final class LimitKeys {

    /** The prefix of concurrency keys, which no rule name can produce (rule names cannot contain {@code |}). */
    static final String CONCURRENCY = "concurrency|u=";

    /** The counter key of this rule for this request, or null when the request lacks one of the rule's parts. */
    public String rateKey(RateLimitRule rule, RequestContext context) {
        return key(rule.name(), rule.keyParts(), context);
    }

    /** The counter key of a rule named {@code name} keyed on {@code parts}, or null when a part has no value. */
    public String key(String name, java.util.List<KeyPart> parts, RequestContext context) {
        Identity identity = context.identity();
        StringBuilder key = new StringBuilder(48).append(name);
        for (KeyPart part : parts) {
            String value = valueOf(part, identity, context);
            if (value == null || value.isEmpty()) {
                return null;
            }
            key.append('|').append(part.tag()).append('=');
            escapeInto(value, key);
        }
        return key.toString();
    }

    /** The in-flight counter key of the request's user. */
    public String concurrencyKey(Identity identity) {
        StringBuilder key = new StringBuilder(32).append(CONCURRENCY);
        escapeInto(identity.subject(), key);
        return key.toString();
    }

    private static String valueOf(KeyPart part, Identity identity, RequestContext context) {
        return switch (part) {
            case USER -> identity == null ? null : identity.subject();
            case ORG -> identity == null ? null : identity.orgId();
            case TENANT -> identity == null ? null : identity.tenantId();
            case CLIENT -> identity == null ? null : identity.clientId();
            case ROUTE -> context.routeName();
            case RESOURCE -> {
                ResourceRequest resource = context.resource();
                yield resource == null || resource.name() == null ? null
                        : resource.kind().name().toLowerCase(java.util.Locale.ROOT) + ":" + resource.name();
            }
        };
    }

    private static void escapeInto(String value, StringBuilder out) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '%' -> out.append("%25");
                case '|' -> out.append("%7C");
                case '=' -> out.append("%3D");
                case '{' -> out.append("%7B");
                case '}' -> out.append("%7D");
                default -> out.append(c);
            }
        }
    }
}
