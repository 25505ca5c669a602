package io.gatewaystack.transform.detect;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneMetadata;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneNumberDesc;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import com.google.i18n.phonenumbers.metadata.source.MetadataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * libphonenumber's {@code isValidNumberForRegion} and {@code isValidNumber}, answered from the same metadata with
 * fewer regex runs. libphonenumber asks for the number's type (up to eleven descriptions in a fixed order, each
 * run as {@code lookingAt} and then again as {@code matches}) and, for a country code shared by several regions,
 * does that twice. Validity only needs "the general description matches and at least one type description
 * matches", so here each description runs once, as {@code matches}, the most common types first. Same answers
 * ({@code PhoneValidityTest} compares them with libphonenumber on example and random numbers of every region).
 * Thread-safe: the per-country rules are immutable and memoised.
 */
final class PhoneValidity {

    private static final String NON_GEO = "001";

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    /** the metadata {@link PhoneNumberUtil#getInstance()} reads */
    private final MetadataSource metadata = DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource();
    /** country code to its regions' rules, built on first use (at most one entry per country code) */
    private final Map<Integer, List<RegionRules>> byCountryCode = new ConcurrentHashMap<>();
    private final RegionRules home;

    /** @param homeRegion the region of {@link #validForHomeRegion} */
    PhoneValidity(String homeRegion) {
        this.home = countryRules(util.getCountryCodeForRegion(homeRegion)).stream()
                .filter(r -> r.region().equals(homeRegion)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown phone region: " + homeRegion));
    }

    /**
     * libphonenumber's {@code isValidNumberForRegion(number, homeRegion)} for a number with the home region's
     * country code and the national significant number {@code nsn}.
     */
    boolean validForHomeRegion(String nsn) {
        return home.valid(nsn);
    }

    /**
     * Whether {@code +cc nsn} is valid: as libphonenumber's {@code isValidNumber}, the number belongs to the first
     * region of the country code whose leading digits it starts with or, for a region without leading digits,
     * for which it is valid.
     */
    boolean valid(int countryCode, String nsn) {
        List<RegionRules> rules = countryRules(countryCode);
        if (rules.size() == 1) return rules.getFirst().valid(nsn);
        for (RegionRules r : rules) {
            if (r.leadingDigits() != null) {
                if (r.leadingDigits().matcher(nsn).lookingAt()) return r.valid(nsn);
            } else if (r.valid(nsn)) {
                return true;
            }
        }
        return false;
    }

    private List<RegionRules> countryRules(int countryCode) {
        return byCountryCode.computeIfAbsent(countryCode, cc -> {
            List<RegionRules> out = new ArrayList<>();
            for (String region : util.getRegionCodesForCountryCode(cc)) {
                PhoneMetadata m = NON_GEO.equals(region)
                        ? metadata.getMetadataForNonGeographicalRegion(cc) : metadata.getMetadataForRegion(region);
                if (m != null) out.add(RegionRules.of(region, m));
            }
            return List.copyOf(out);
        });
    }

    /** One region's number descriptions with their patterns compiled once. */
    private record RegionRules(String region, Pattern leadingDigits, Desc general, List<Desc> types) {

        static RegionRules of(String region, PhoneMetadata m) {
            List<Desc> types = new ArrayList<>();
            // libphonenumber's type order is irrelevant to "any matches": fixed line and mobile, the usual answers, first
            types.add(Desc.of(m.getFixedLine()));
            if (!m.getSameMobileAndFixedLinePattern()) types.add(Desc.of(m.getMobile()));
            for (PhoneNumberDesc d : List.of(m.getPremiumRate(), m.getTollFree(), m.getSharedCost(), m.getVoip(),
                    m.getPersonalNumber(), m.getPager(), m.getUan(), m.getVoicemail())) {
                types.add(Desc.of(d));
            }
            Pattern leading = m.hasLeadingDigits() ? Pattern.compile(m.getLeadingDigits()) : null;
            return new RegionRules(region, leading, Desc.of(m.getGeneralDesc()),
                    types.stream().filter(Desc::canMatch).toList());
        }

        boolean valid(String nsn) {
            if (!general.matches(nsn)) return false;
            for (Desc d : types) if (d.matches(nsn)) return true;
            return false;
        }
    }

    /**
     * A number description: libphonenumber's {@code isNumberMatchingDesc}, i.e. a possible length (when the list is
     * not empty) and a full match of the pattern (never, when the pattern is empty).
     */
    private record Desc(boolean anyLength, long lengths, Pattern pattern) {

        static Desc of(PhoneNumberDesc d) {
            long mask = 0;
            for (int length : d.getPossibleLengthList()) if (length >= 0 && length < 64) mask |= 1L << length;
            String p = d.getNationalNumberPattern();
            return new Desc(d.getPossibleLengthList().isEmpty(), mask, p.isEmpty() ? null : Pattern.compile(p));
        }

        boolean canMatch() {
            return pattern != null && (anyLength || lengths != 0);
        }

        boolean matches(String nsn) {
            int n = nsn.length();
            if (!anyLength && (n >= 64 || (lengths & 1L << n) == 0)) return false;
            return pattern != null && pattern.matcher(nsn).matches();
        }
    }
}
