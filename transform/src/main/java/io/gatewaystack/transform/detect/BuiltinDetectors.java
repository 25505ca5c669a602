package io.gatewaystack.transform.detect;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The catalogue of built-in detectors and the types they report. */
public final class BuiltinDetectors {

    /** The types that are secrets (credentials), as opposed to personal data. */
    public static final Set<String> SECRET_TYPES = Set.of("aws_access_key", "aws_secret_key", "gcp_api_key",
            "gcp_service_account_key", "azure_storage_key", "github_token", "gitlab_token", "slack_token",
            "openai_api_key", "anthropic_api_key", "jwt", "private_key", "generic_secret");

    private BuiltinDetectors() {}

    /** Every built-in detector; {@code phoneRegion} is the region for phone numbers without a country code. */
    public static List<Detector> all(String phoneRegion) {
        // order matters within a trigger only for cost: phone (libphonenumber) runs after the cheap number shapes
        return List.of(new EmailDetector(), new SsnDetector(), new PaymentCardDetector(), new IbanDetector(),
                new Ipv4Detector(), new PhoneDetector(phoneRegion),
                new Ipv6Detector(Trigger.WORD_START), new Ipv6Detector(Trigger.DOUBLE_COLON),
                new DateOfBirthDetector(), new PassportMrzDetector(), new TokenPrefixDetector(), new JwtDetector(),
                new PemPrivateKeyDetector(), new SecretAssignmentDetector());
    }

    /**
     * The built-ins reporting at least one of {@code types}; all of them when {@code types} is empty. An unknown
     * type name is an error (a typo would otherwise silently disable a detector).
     */
    public static List<Detector> enabled(Set<String> types, String phoneRegion) {
        List<Detector> all = all(phoneRegion);
        if (types.isEmpty()) return all;
        Set<String> known = allTypes();
        for (String t : types) {
            if (!known.contains(t)) throw new InvalidDetectorException("unknown detector type '" + t + "'; known: " + known);
        }
        List<Detector> out = new ArrayList<>();
        for (Detector d : all) {
            if (d.types().stream().anyMatch(types::contains)) out.add(d);
        }
        return out;
    }

    public static Set<String> allTypes() {
        Set<String> types = new LinkedHashSet<>();
        for (Detector d : all("US")) types.addAll(d.types());
        return types;
    }
}
