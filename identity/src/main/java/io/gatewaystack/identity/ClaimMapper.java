package io.gatewaystack.identity;

import io.gatewaystack.core.Identity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the claims of a verified token into an {@link Identity}, following one issuer's {@link ClaimMapping}.
 *
 * <p>Lenient by design: a claim of an unexpected type (a number where a string was expected) is ignored rather than
 * refused, because the token is already verified and the field is optional. The required claims ({@code sub},
 * {@code exp}) are checked before mapping.
 */
final class ClaimMapper {

    private final ClaimMapping mapping;
    private final String issuer;

    ClaimMapper(ClaimMapping mapping, String normalizedIssuer) {
        this.mapping = mapping;
        this.issuer = normalizedIssuer;
    }

    /**
     * @param rawClaims the token's claims as Nimbus parsed them (dates as {@link Date}, JSON arrays as lists)
     * @param subject   the already checked {@code sub}
     * @param expiresAt the already checked {@code exp}
     */
    Identity toIdentity(Map<String, Object> rawClaims, String subject, Instant expiresAt) {
        Map<String, Object> claims = plainMap(rawClaims);
        return new Identity(
                subject,
                issuer,
                firstString(claims, mapping.orgClaims()),
                firstString(claims, mapping.tenantClaims()),
                merged(claims, mapping.roleClaims(), false),
                merged(claims, mapping.scopeClaims(), true),
                string(claims, mapping.emailClaim()),
                string(claims, mapping.nameClaim()),
                string(claims, mapping.planClaim()),
                firstString(claims, List.of("azp", "client_id")),
                expiresAt,
                claims);
    }

    /**
     * Finds a claim by path: the literal name first (namespaced claims like {@code https://example.com/org}
     * contain dots), then a dotted path into nested objects ({@code realm_access.roles}).
     */
    static Object lookup(Map<String, Object> claims, String path) {
        if (path == null || path.isEmpty()) {
            return null;
        }
        Object literal = claims.get(path);
        if (literal != null || path.indexOf('.') < 0) {
            return literal;
        }
        Object current = claims;
        for (String part : path.split("\\.", -1)) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(part);
        }
        return current;
    }

    private static String string(Map<String, Object> claims, String path) {
        return lookup(claims, path) instanceof String s && !s.isBlank() ? s : null;
    }

    private static String firstString(Map<String, Object> claims, List<String> paths) {
        for (String path : paths) {
            String value = string(claims, path);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** All values of all present claims, de-duplicated in first-seen order. */
    private static List<String> merged(Map<String, Object> claims, List<String> paths, boolean splitStrings) {
        Set<String> values = new LinkedHashSet<>();
        for (String path : paths) {
            Object value = lookup(claims, path);
            if (value instanceof String s) {
                if (splitStrings) {
                    for (String part : s.trim().split("\\s+")) {
                        if (!part.isEmpty()) {
                            values.add(part);
                        }
                    }
                } else if (!s.isBlank()) {
                    values.add(s.trim());
                }
            } else if (value instanceof Collection<?> list) {
                for (Object element : list) {
                    if (element instanceof String s && !s.isBlank()) {
                        values.add(s.trim());
                    }
                }
            }
        }
        return List.copyOf(values);
    }

    // ---- plain, immutable Java values ---------------------------------------------------------------------

    /** Deep copy into immutable Map/List/String/Number/Boolean; dates become epoch seconds; JSON nulls are dropped. */
    static Map<String, Object> plainMap(Map<?, ?> source) {
        Map<String, Object> copy = new LinkedHashMap<>();
        source.forEach((key, value) -> {
            Object plain = plain(value);
            if (key != null && plain != null) {
                copy.put(key.toString(), plain);
            }
        });
        return Collections.unmodifiableMap(copy);
    }

    private static Object plain(Object value) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Date date) {
            return date.getTime() / 1000;
        }
        if (value instanceof Map<?, ?> map) {
            return plainMap(map);
        }
        if (value instanceof Collection<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object element : list) {
                Object plain = plain(element);
                if (plain != null) {
                    copy.add(plain);
                }
            }
            return List.copyOf(copy);
        }
        return value.toString();
    }
}
