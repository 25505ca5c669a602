package io.gatewaystack.proxy.upstream;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** IP literal parsing, formatting and classification without any DNS lookup. */
final class Addresses {

    private Addresses() {
    }

    // ------------------------------------------------------------------------------------------------ parsing

    /**
     * WHATWG "ends in a number": the label is all decimal digits, or {@code 0x} followed by hex digits (possibly none).
     * A host whose last label looks numeric must be an IPv4 address in one of the forms resolvers accept.
     */
    static boolean looksNumeric(String label) {
        if (label.isEmpty()) {
            return false;
        }
        if (label.startsWith("0x")) {
            return label.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0);
        }
        return label.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /**
     * The inet_aton forms: 1 to 4 parts, each decimal, octal (leading 0) or hex (0x); the last part fills the
     * remaining bytes ({@code 127.1}, {@code 2130706433}, {@code 0x7f.1}, {@code 0177.0.0.1}).
     *
     * @return the 4 bytes, or null when the labels are not such an address
     */
    static byte[] parseIpv4Loose(String[] labels) {
        if (labels.length < 1 || labels.length > 4) {
            return null;
        }
        long[] parts = new long[labels.length];
        for (int i = 0; i < labels.length; i++) {
            long v = parsePart(labels[i]);
            if (v < 0) {
                return null;
            }
            parts[i] = v;
        }
        for (int i = 0; i < parts.length - 1; i++) {
            if (parts[i] > 255) {
                return null;
            }
        }
        int lastBytes = 5 - parts.length;
        long last = parts[parts.length - 1];
        if (last >= (1L << (8 * lastBytes))) {
            return null;
        }
        long value = last;
        for (int i = 0; i < parts.length - 1; i++) {
            value |= parts[i] << (8 * (3 - i));
        }
        return new byte[]{(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    /** One inet_aton part, or -1. Values above 2^32 - 1 are rejected. */
    private static long parsePart(String s) {
        int radix = 10;
        String digits = s;
        if (s.startsWith("0x")) {
            radix = 16;
            digits = s.substring(2);
            if (digits.isEmpty()) {
                return 0; // WHATWG: "0x" alone is zero
            }
        } else if (s.length() > 1 && s.startsWith("0")) {
            radix = 8;
            digits = s.substring(1);
        }
        if (digits.isEmpty()) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = Character.digit(digits.charAt(i), radix);
            if (d < 0) {
                return -1;
            }
            v = v * radix + d;
            if (v > 0xFFFF_FFFFL) {
                return -1;
            }
        }
        return v;
    }

    /** A normalised host that is an IP literal (dotted quad, or IPv6 without brackets), or null. */
    static InetAddress parseLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return parseIpv6(host);
        }
        if (!host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
            return null;
        }
        String[] parts = host.split("\\.");
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v = Integer.parseInt(parts[i]);
            if (v > 255 || (parts[i].length() > 1 && parts[i].startsWith("0"))) {
                return null;
            }
            b[i] = (byte) v;
        }
        return byAddress(b);
    }

    /** An IPv6 literal without brackets or zone, or null. Never touches DNS. */
    static InetAddress parseIpv6(String s) {
        if (s.isEmpty() || s.indexOf(':') < 0 || !s.matches("[0-9A-Fa-f:.]+") || s.length() > 45) {
            return null;
        }
        try {
            // With a ':' and only hex digits, colons and dots, the JDK parses a literal and never resolves.
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    static InetAddress byAddress(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------ formatting

    static String formatIpv4(byte[] b) {
        return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
    }

    /** Dotted quad, or RFC 5952 IPv6 (lower case, longest zero run compressed, no zone). */
    static String format(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address || b.length == 4) {
            return formatIpv4(b);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------------ classification

    static AddressClass classifyIpv4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        int a3 = b[3] & 0xff;
        if (a0 == 169 && a1 == 254 && a2 == 169 && a3 == 254) {
            return AddressClass.METADATA;
        }
        if (a0 == 0) {
            return AddressClass.UNSPECIFIED;
        }
        if (a0 == 127) {
            return AddressClass.LOOPBACK;
        }
        if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
            return AddressClass.PRIVATE;
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return AddressClass.CGNAT;
        }
        if (a0 == 169 && a1 == 254) {
            return AddressClass.LINK_LOCAL;
        }
        if ((a0 == 192 && a1 == 0 && a2 == 2) || (a0 == 198 && a1 == 51 && a2 == 100)
                || (a0 == 203 && a1 == 0 && a2 == 113)) {
            return AddressClass.DOCUMENTATION;
        }
        if (a0 == 198 && (a1 & 0xfe) == 18) {
            return AddressClass.BENCHMARK;
        }
        if ((a0 == 192 && a1 == 0 && a2 == 0) || (a0 == 192 && a1 == 88 && a2 == 99)) {
            return AddressClass.RESERVED;
        }
        if ((a0 & 0xf0) == 224) {
            return AddressClass.MULTICAST;
        }
        if (a0 == 255 && a1 == 255 && a2 == 255 && a3 == 255) {
            return AddressClass.BROADCAST;
        }
        if ((a0 & 0xf0) == 240) {
            return AddressClass.RESERVED;
        }
        return AddressClass.PUBLIC;
    }

    static AddressClass classifyIpv6(byte[] b) {
        int g0 = group(b, 0);
        int g1 = group(b, 1);
        int g2 = group(b, 2);
        boolean first80Zero = allZero(b, 0, 10);
        // ::/96 family: unspecified, loopback, IPv4-compatible, IPv4-mapped, IPv4-translated
        if (allZero(b, 0, 12)) {
            if (allZero(b, 12, 16)) {
                return AddressClass.UNSPECIFIED;
            }
            if (allZero(b, 12, 15) && b[15] == 1) {
                return AddressClass.LOOPBACK;
            }
            return classifyIpv4(Arrays.copyOfRange(b, 12, 16)); // ::a.b.c.d (IPv4-compatible, deprecated)
        }
        if (first80Zero && group(b, 5) == 0xffff) {
            return classifyIpv4(Arrays.copyOfRange(b, 12, 16)); // ::ffff:a.b.c.d
        }
        if (allZero(b, 0, 8) && group(b, 4) == 0xffff && group(b, 5) == 0) {
            return classifyIpv4(Arrays.copyOfRange(b, 12, 16)); // ::ffff:0:a.b.c.d (SIIT)
        }
        if (g0 == 0x64 && g1 == 0xff9b && allZero(b, 4, 12)) {
            return classifyIpv4(Arrays.copyOfRange(b, 12, 16)); // 64:ff9b::/96 NAT64
        }
        if (g0 == 0x64 && g1 == 0xff9b && g2 == 1) {
            return AddressClass.RESERVED; // 64:ff9b:1::/48 local-use NAT64: embedding position is local
        }
        if (g0 == 0x2002) {
            return classifyIpv4(Arrays.copyOfRange(b, 2, 6)); // 6to4
        }
        if (g0 == 0xfd00 && g1 == 0x0ec2 && allZero(b, 4, 14) && group(b, 7) == 0x254) {
            return AddressClass.METADATA; // AWS IMDS over IPv6
        }
        if ((g0 & 0xfe00) == 0xfc00) {
            return AddressClass.UNIQUE_LOCAL;
        }
        if ((g0 & 0xffc0) == 0xfe80) {
            return AddressClass.LINK_LOCAL;
        }
        if ((g0 & 0xff00) == 0xff00) {
            return AddressClass.MULTICAST;
        }
        if ((g0 == 0x2001 && g1 == 0x0db8) || (g0 == 0x3fff && (g1 & 0xf000) == 0)) {
            return AddressClass.DOCUMENTATION; // 2001:db8::/32, 3fff::/20
        }
        if (g0 == 0x2001 && g1 == 0x0002 && g2 == 0) {
            return AddressClass.BENCHMARK; // 2001:2::/48
        }
        if (g0 == 0x2001 && g1 < 0x0200) {
            return AddressClass.RESERVED; // 2001::/23 IETF protocol assignments: Teredo, ORCHID, AMT, ...
        }
        if ((g0 & 0xe000) != 0x2000) {
            return AddressClass.RESERVED; // outside 2000::/3 global unicast (includes fec0::/10, 100::/64)
        }
        return AddressClass.PUBLIC;
    }

    private static int group(byte[] b, int i) {
        return ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
