package io.gatewaystack.transform.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The phone detector's fast path (digits as written, validated with libphonenumber's metadata) must find exactly
 * what libphonenumber's full parse finds: compared on real numbers and on many random digit groupings.
 */
class PhoneFastPathTest {

    private static List<Finding> scan(PhoneDetector d, String text) {
        ContentScanner s = new ContentScanner(List.of(d), List.of());
        return s.scan(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"US", "DE", "GB", "IT", "FR", "IN", "BR", "JP", "AU", "CH"})
    void theFastPathFindsWhatTheFullParseFinds(String region) {
        PhoneDetector fast = new PhoneDetector(region, true);
        PhoneDetector parsed = new PhoneDetector(region, false);
        Random random = new Random(region.hashCode());
        String[] seps = {" ", "-", ".", "", " ", "/"};
        List<String> samples = new ArrayList<>(List.of("(650) 253-0000", "+1 650 253 0000", "1 650 253 0000",
                "+44 20 7946 0958", "020 7946 0958", "+44 (0) 20 7946 0958", "030 12345678", "+49 30 12345678",
                "0049 30 12345678", "011 44 20 7946 0958", "+39 06 6982 1234", "06 6982 1234", "+33 1 42 68 53 00",
                "01 42 68 53 00", "+91 98765 43210", "098765 43210", "+800 1234 5678", "+61 2 9374 4000",
                "(02) 9374 4000", "+81 3-3224-5000", "03-3224-5000", "+41 44 668 18 00", "044 668 18 00",
                "+55 11 91234-5678", "(11) 91234-5678", "192.168.10.20", "123-45-6789", "555-0100"));
        for (int i = 0; i < 1000; i++) {
            StringBuilder sb = new StringBuilder();
            int kind = random.nextInt(4);
            if (kind == 0) sb.append('+');
            if (kind == 1) sb.append('0');
            int groups = 2 + random.nextInt(4);
            String sep = seps[random.nextInt(seps.length)];
            for (int g = 0; g < groups; g++) {
                if (g > 0) sb.append(sep);
                int len = 1 + random.nextInt(4);
                for (int k = 0; k < len; k++) sb.append((char) ('0' + random.nextInt(10)));
            }
            samples.add(sb.toString());
        }
        int found = 0;
        for (String sample : samples) {
            String text = "call " + sample + " now";
            List<Finding> expected = scan(parsed, text);
            assertThat(scan(fast, text)).as("%s in %s", sample, region).isEqualTo(expected);
            found += expected.size();
        }
        assertThat(found).isPositive();
    }

    @Test
    void realNumbersTakeTheFastPathAndAreStillValidated() {
        PhoneDetector us = new PhoneDetector("US");
        assertThat(scan(us, "call (650) 253-0000")).hasSize(1);
        assertThat(scan(us, "call (123) 456-7890")).isEmpty(); // area code 123 does not exist
        assertThat(scan(new PhoneDetector("DE"), "ruf 030 12345678 an")).hasSize(1);
    }
}
