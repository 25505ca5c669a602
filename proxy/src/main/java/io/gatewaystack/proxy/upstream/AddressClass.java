package io.gatewaystack.proxy.upstream;

/**
 * The class of an IP address as far as upstream connections are concerned. IPv6 addresses that embed an IPv4
 * address (IPv4-mapped {@code ::ffff:a.b.c.d}, IPv4-compatible {@code ::a.b.c.d}, IPv4-translated
 * {@code ::ffff:0:a.b.c.d}, 6to4 {@code 2002::/16} and NAT64 {@code 64:ff9b::/96}) take the class of the embedded IPv4
 * address.
 */
public enum AddressClass {
    /** Globally routable: always allowed. */
    PUBLIC("public", false),
    /** 127/8, ::1. */
    LOOPBACK("loopback", true),
    /** 10/8, 172.16/12, 192.168/16. */
    PRIVATE("private (RFC 1918)", true),
    /** 100.64/10, carrier-grade NAT shared space, often internal in clouds. */
    CGNAT("carrier-grade NAT (100.64/10)", true),
    /** fc00::/7. */
    UNIQUE_LOCAL("unique-local IPv6 (fc00::/7)", true),
    /** 169.254/16, fe80::/10. */
    LINK_LOCAL("link-local", false),
    /** 169.254.169.254, fd00:ec2::254: cloud instance metadata. */
    METADATA("cloud metadata", false),
    /** 0/8, ::. */
    UNSPECIFIED("unspecified / this network", false),
    /** 224/4, ff00::/8. */
    MULTICAST("multicast", false),
    /** 255.255.255.255. */
    BROADCAST("broadcast", false),
    /** 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20. */
    DOCUMENTATION("documentation range", false),
    /** 198.18/15, 2001:2::/48. */
    BENCHMARK("benchmarking range", false),
    /**
     * Everything else that is not globally routable: 192.0.0/24, 192.88.99/24, 240/4, IPv6 outside 2000::/3, 100::/64,
     * Teredo 2001::/32, ORCHID, site-local fec0::/10, local-use NAT64 64:ff9b:1::/48.
     */
    RESERVED("reserved / not globally routable", false);

    private final String description;
    private final boolean allowedWhenPrivateAllowed;

    AddressClass(String description, boolean allowedWhenPrivateAllowed) {
        this.description = description;
        this.allowedWhenPrivateAllowed = allowedWhenPrivateAllowed;
    }

    public String description() {
        return description;
    }

    /** Whether {@link UpstreamPolicy#allowPrivate()} lets this class through. */
    public boolean allowedWhenPrivateAllowed() {
        return allowedWhenPrivateAllowed;
    }
}
