package io.gatewaystack.transform.detect;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * IBANs, compact ({@code DE89370400440532013000}) or printed in groups of four ({@code DE89 3704 0044 0532 0130 00}):
 * a known country code, that country's exact length, and ISO 13616 mod-97 equal to 1. Upper case only, as printed
 * by banks; a lower-case run is too often an ordinary identifier.
 */
public final class IbanDetector implements Detector {

    public static final String TYPE = "iban";
    private static final Map<String, Integer> LENGTHS = lengths();

    @Override public List<String> types() { return List.of(TYPE); }
    @Override public Trigger trigger() { return Trigger.WORD_START; }
    @Override public boolean canStartWith(char c) { return Chars.isUpper(c); }

    @Override
    public void detectAt(String text, int pos, ScanState state, List<Finding> out) {
        int n = text.length();
        if (pos + 15 > n || !Chars.isUpper(text.charAt(pos)) || !Chars.isUpper(text.charAt(pos + 1))
                || !Chars.isDigit(text.charAt(pos + 2)) || !Chars.isDigit(text.charAt(pos + 3))) {
            return;
        }
        Integer expected = LENGTHS.get(text.substring(pos, pos + 2));
        if (expected == null) return;
        int chars = 0;
        int i = pos;
        int end = pos;
        boolean grouped = false;
        while (i < n && chars < expected) {
            char c = text.charAt(i);
            if (Chars.isDigit(c) || Chars.isUpper(c)) {
                chars++;
                i++;
                end = i;
            } else if (c == ' ' && chars % 4 == 0 && chars > 0 && i + 1 < n && Chars.isAsciiAlnum(text.charAt(i + 1))) {
                grouped = true;
                i++;
            } else {
                break;
            }
        }
        if (chars != expected || !Chars.boundaryAt(text, end)) return;
        if (grouped && end + 1 < n && text.charAt(end) == ' ' && Chars.isAsciiAlnum(text.charAt(end + 1))
                && chars % 4 == 0) {
            return; // the printed groups go on: not this country's length
        }
        if (!Checksums.ibanMod97(text, pos, end)) return;
        out.add(new Finding(TYPE, pos, end, 0.95));
    }

    private static Map<String, Integer> lengths() {
        // ISO 13616 registry (SWIFT IBAN registry), country code -> total length.
        String table = "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 "
                + "EE20 EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 "
                + "JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 "
                + "PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 SC31 SD18 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 "
                + "UA29 VA22 VG24 XK20";
        Map<String, Integer> m = new HashMap<>();
        for (String e : table.split(" ")) m.put(e.substring(0, 2), Integer.parseInt(e.substring(2)));
        return Map.copyOf(m);
    }
}
