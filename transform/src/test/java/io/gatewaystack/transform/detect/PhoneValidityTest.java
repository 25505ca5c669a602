package io.gatewaystack.transform.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link PhoneValidity} must answer exactly as libphonenumber's {@code isValidNumberForRegion} and
 * {@code isValidNumber}: compared for every region and non-geographic country code on the example number of each
 * type and on random variations of them (digits changed, dropped, added), seeded so a failure repeats.
 */
class PhoneValidityTest {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final int VARIATIONS = 40;

    /** The example numbers of every type of the region, then random variations of each. */
    private static List<String> samples(List<PhoneNumber> examples, Random random) {
        List<String> out = new ArrayList<>();
        for (PhoneNumber example : examples) {
            String nsn = UTIL.getNationalSignificantNumber(example);
            out.add(nsn);
            for (int v = 0; v < VARIATIONS; v++) {
                StringBuilder sb = new StringBuilder(nsn);
                switch (random.nextInt(4)) {
                    case 0 -> sb.setCharAt(random.nextInt(sb.length()), (char) ('0' + random.nextInt(10)));
                    case 1 -> { if (sb.length() > 1) sb.deleteCharAt(random.nextInt(sb.length())); }
                    case 2 -> sb.insert(random.nextInt(sb.length() + 1), (char) ('0' + random.nextInt(10)));
                    default -> {
                        sb.setLength(0);
                        int len = 1 + random.nextInt(15);
                        for (int k = 0; k < len; k++) sb.append((char) ('0' + random.nextInt(10)));
                    }
                }
                if (sb.length() > 0 && sb.length() <= 15) out.add(sb.toString());
            }
        }
        return out;
    }

    private static PhoneNumber number(int cc, String nsn) {
        return PhoneDetector.number(cc, nsn.toCharArray(), 0, nsn.length());
    }

    private static List<PhoneNumber> examples(String region) {
        List<PhoneNumber> out = new ArrayList<>();
        for (PhoneNumberType type : PhoneNumberType.values()) {
            PhoneNumber example = UTIL.getExampleNumberForType(region, type);
            if (example != null) out.add(example);
        }
        return out;
    }

    @Test
    void everyRegionAnswersAsIsValidNumberForRegion() {
        Random random = new Random(20261121L);
        int valid = 0;
        int checked = 0;
        for (String region : new TreeSet<>(UTIL.getSupportedRegions())) {
            PhoneValidity validity = new PhoneValidity(region);
            int cc = UTIL.getCountryCodeForRegion(region);
            for (String nsn : samples(examples(region), random)) {
                boolean expected = UTIL.isValidNumberForRegion(number(cc, nsn), region);
                assertThat(validity.validForHomeRegion(nsn)).as("%s in %s", nsn, region).isEqualTo(expected);
                if (expected) valid++;
                checked++;
            }
        }
        // both answers occur often enough for the comparison to mean something
        assertThat(valid).isGreaterThan(1_000);
        assertThat(checked - valid).isGreaterThan(1_000);
    }

    @Test
    void everyCountryCodeAnswersAsIsValidNumber() {
        Random random = new Random(42L);
        PhoneValidity validity = new PhoneValidity("US");
        Set<Integer> countryCodes = new TreeSet<>(UTIL.getSupportedCallingCodes());
        int valid = 0;
        for (int cc : countryCodes) {
            List<PhoneNumber> examples = new ArrayList<>();
            for (String region : UTIL.getRegionCodesForCountryCode(cc)) {
                if ("001".equals(region)) { // non-geographic: +800 freephone, +882 satellite, ...
                    PhoneNumber example = UTIL.getExampleNumberForNonGeoEntity(cc);
                    if (example != null) examples.add(example);
                } else {
                    examples.addAll(examples(region));
                }
            }
            for (String nsn : samples(examples, random)) {
                boolean expected = UTIL.isValidNumber(number(cc, nsn));
                assertThat(validity.valid(cc, nsn)).as("+%d %s", cc, nsn).isEqualTo(expected);
                if (expected) valid++;
            }
        }
        assertThat(valid).isGreaterThan(1_000);
    }

    @Test
    void anUnknownRegionIsAClearError() {
        assertThatThrownBy(() -> new PhoneValidity("XX")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("XX");
    }
}
