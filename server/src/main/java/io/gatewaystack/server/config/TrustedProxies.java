package io.gatewaystack.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The reverse proxies (load balancers, ingress) in front of the gateway whose {@code X-Forwarded-*} headers are
 * believed. Anyone else's are ignored: a client must not choose the host or scheme the gateway advertises, nor
 * the client address it logs. Entries are IP addresses or CIDR ranges, IPv4 or IPv6.
 */
public final class TrustedProxies {

    private record Range(byte[] network, int prefixBits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int fullBytes = prefixBits / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[fullBytes] & mask) == (network[fullBytes] & mask);
        }
    }

    private final List<Range> ranges;
    private final List<String> entries;

    private TrustedProxies(List<Range> ranges, List<String> entries) {
        this.ranges = ranges;
        this.entries = entries;
    }

    public static TrustedProxies none() {
        return new TrustedProxies(List.of(), List.of());
    }

    /** Parses entries such as {@code 10.0.0.0/8}, {@code 127.0.0.1}, {@code ::1}; throws with the bad entry. */
    public static TrustedProxies parse(List<String> entries, String key) {
        List<Range> ranges = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            String ip = entry;
            int bits = -1;
            int slash = entry.indexOf('/');
            if (slash >= 0) {
                ip = entry.substring(0, slash);
                try {
                    bits = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new ConfigException(key + "[" + i + "]", "bad prefix length in '" + entry + "'");
                }
            }
            byte[] address = literalAddress(ip);
            if (address == null) {
                throw new ConfigException(key + "[" + i + "]", "'" + entry + "' is not an IP address or CIDR range");
            }
            int max = address.length * 8;
            if (bits < 0) {
                bits = max;
            }
            if (bits > max) {
                throw new ConfigException(key + "[" + i + "]", "prefix length over " + max + " in '" + entry + "'");
            }
            ranges.add(new Range(address, bits));
        }
        return new TrustedProxies(List.copyOf(ranges), List.copyOf(entries));
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    public List<String> entries() {
        return entries;
    }

    /** Whether the peer address (an IP literal as the server reports it) is a trusted proxy. */
    public boolean contains(String peerAddress) {
        if (ranges.isEmpty() || peerAddress == null) {
            return false;
        }
        byte[] address = literalAddress(peerAddress);
        if (address == null) {
            return false;
        }
        for (Range r : ranges) {
            if (r.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** Parses an IP literal without any DNS lookup; null when it is not one. */
    private static byte[] literalAddress(String s) {
        String ip = s.trim();
        if (ip.startsWith("[") && ip.endsWith("]")) {
            ip = ip.substring(1, ip.length() - 1);
        }
        if (ip.isEmpty() || !ip.matches("[0-9a-fA-F:.%]+")) {
            return null; // never resolve host names here
        }
        if (ip.indexOf(':') < 0 && !ip.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return null;
        }
        try {
            return InetAddress.getByName(ip).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
