package io.gatewaystack.proxy.upstream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SsrfGuardTest {

    /** A fake DNS: names map to fixed addresses; anything else is unknown. Records every lookup. */
    static final class FakeDns implements HostResolver {
        final Map<String, List<String>> names;
        final List<String> lookups = new ArrayList<>();

        FakeDns(Map<String, List<String>> names) {
            this.names = names;
        }

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            lookups.add(host);
            List<String> ips = names.get(host);
            if (ips == null) {
                throw new UnknownHostException(host);
            }
            InetAddress[] out = new InetAddress[ips.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = InetAddress.getByName(ips.get(i)); // literals only: no real DNS
            }
            return out;
        }
    }

    static final FakeDns DNS = new FakeDns(Map.of(
            "api.openai.com", List.of("162.159.140.245", "2606:4700:4400::ac40:9bd1"),
            "127.0.0.1.nip.io", List.of("127.0.0.1"),
            "rebind.example.com", List.of("93.184.215.14", "10.0.0.7"),
            "metadata.google.internal", List.of("169.254.169.254"),
            "cgnat.example.com", List.of("100.100.100.200"),
            "mapped.example.com", List.of("::ffff:192.168.1.1"),
            "v6only.example.com", List.of("2001:4860:4860::8888"),
            "ollama.internal", List.of("10.1.2.3"),
            "localhost", List.of("127.0.0.1", "::1"),
            "api.localhost", List.of("127.0.0.1")));

    static SsrfGuard strict() {
        return new SsrfGuard(new UpstreamPolicy(Set.of("http", "https"), Set.of(), false), DNS);
    }

    static SsrfGuard permissive() {
        return new SsrfGuard(UpstreamPolicy.permissive(), DNS);
    }

    static String blockedReason(SsrfGuard guard, String url) {
        try {
            SsrfGuard.Target t = guard.checkUrl(url);
            guard.resolveAndCheck(t);
        } catch (UpstreamBlockedException e) {
            return e.reason();
        }
        throw new AssertionError("not blocked: " + url);
    }

    // ------------------------------------------------------------------------------------------------ parsing

    @Test
    void acceptsAPlainHttpsUrlAndNormalises() {
        SsrfGuard.Target t = strict().checkUrl("HTTPS://API.OpenAI.com./v1/chat/completions?x=1");
        assertThat(t).isEqualTo(new SsrfGuard.Target("https", "api.openai.com", 443, "/v1/chat/completions?x=1"));
        assertThat(t.authority()).isEqualTo("api.openai.com");
        assertThat(t.isIpLiteral()).isFalse();
        assertThat(t.toString()).isEqualTo("https://api.openai.com/v1/chat/completions?…");
        assertThat(strict().checkUrl("http://api.openai.com:8080").path()).isEqualTo("/");
        assertThat(strict().checkUrl("http://api.openai.com:8080").authority()).isEqualTo("api.openai.com:8080");
        assertThat(strict().checkUrl("http://api.openai.com?q").path()).isEqualTo("/?q");
    }

    @ParameterizedTest
    @CsvSource({
            // url, normalised host
            "http://2130706433/, 127.0.0.1",
            "http://0177.0.0.1/, 127.0.0.1",
            "http://0x7f.1/, 127.0.0.1",
            "http://0x7f000001/, 127.0.0.1",
            "http://127.1/, 127.0.0.1",
            "http://127.0.1/, 127.0.0.1",
            "http://0/, 0.0.0.0",
            "http://0x/, 0.0.0.0",
            "http://017700000001/, 127.0.0.1",
            "http://0xA9.0xFE.0xA9.0xFE/, 169.254.169.254",
            "http://2852039166/, 169.254.169.254",
            "http://[::1]/, ::1",
            "http://[0:0:0:0:0:0:0:1]:8080/, ::1",
            "http://[::ffff:127.0.0.1]/, 127.0.0.1",
            "http://[::ffff:7f00:1]/, 127.0.0.1",
            "http://[fe80::1%25eth0]/, fe80::1",
            "http://[FD00:EC2::254]/, fd00:ec2::254",
    })
    void normalisesNumericHostsToTheAddressTheyDenote(String url, String host) {
        SsrfGuard guard = permissive();
        // Classes blocked even by the permissive policy (link-local, metadata, unspecified) show their normalised
        // address in the reason.
        try {
            assertThat(guard.checkUrl(url).host()).isEqualTo(host);
        } catch (UpstreamBlockedException e) {
            assertThat(e.reason()).startsWith("address " + host + " is ");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://2130706433/",
            "http://0177.0.0.1/",
            "http://0x7f.1/",
            "http://127.1/",
            "http://127.0.0.1:8080/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:7f00:1]/",
            "http://[::127.0.0.1]/",
            "http://[64:ff9b::127.0.0.1]/",
            "http://[64:ff9b::a00:1]/",
            "http://[2002:7f00:1::]/",
            "http://[::ffff:0:7f00:1]/",
            "http://localhost/",
            "http://LOCALHOST./",
            "http://api.localhost/",
            "http://10.0.0.1/",
            "http://172.16.5.4/",
            "http://172.31.255.255/",
            "http://192.168.0.1/",
            "http://100.64.0.1/",
            "http://100.127.255.254/",
            "http://[fd12:3456::1]/",
            "http://[fc00::1]/",
    })
    void blocksLoopbackAndPrivateUnlessAllowed(String url) {
        assertThat(blockedReason(strict(), url)).isNotBlank();
        SsrfGuard.Target t = permissive().checkUrl(url);
        assertThat(permissive().resolveAndCheck(t)).isNotEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "http://169.254.169.254/latest/meta-data/, cloud metadata",
            "http://[fd00:ec2::254]/, cloud metadata",
            "http://0xa9fea9fe/, cloud metadata",
            "http://[::ffff:169.254.169.254]/, cloud metadata",
            "http://169.254.1.1/, link-local",
            "http://[fe80::1]/, link-local",
            "http://[fe80::1%25eth0]/, link-local",
            "http://0.0.0.0/, unspecified / this network",
            "http://0/, unspecified / this network",
            "http://[::]/, unspecified / this network",
            "http://224.0.0.1/, multicast",
            "http://[ff02::1]/, multicast",
            "http://255.255.255.255/, broadcast",
            "http://192.0.2.1/, documentation range",
            "http://198.51.100.7/, documentation range",
            "http://203.0.113.9/, documentation range",
            "http://[2001:db8::1]/, documentation range",
            "http://198.18.0.1/, benchmarking range",
            "http://198.19.255.1/, benchmarking range",
            "http://240.0.0.1/, reserved / not globally routable",
            "http://192.0.0.8/, reserved / not globally routable",
            "http://[2001::1]/, reserved / not globally routable",
            "http://[fec0::1]/, reserved / not globally routable",
            "http://[64:ff9b:1::a00:1]/, reserved / not globally routable",
    })
    void blocksMetadataLinkLocalAndReservedEvenWhenPrivateIsAllowed(String url, String description) {
        assertThat(blockedReason(strict(), url)).endsWith(" is " + description);
        assertThat(blockedReason(permissive(), url)).endsWith(" is " + description);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ftp://example.com/",
            "file:///etc/passwd",
            "gopher://example.com/",
            "javascript:alert(1)",
            "//example.com/",
            "example.com/path",
            "http:/example.com/",
            "http:example.com",
            "http://user:pass@example.com/",
            "http://example.com@127.0.0.1/",
            "http://@example.com/",
            "http://example.com/#frag",
            "http://example.com#@evil.com/",
            "http://exa mple.com/",
            "http://example.com\\@evil.com/",
            "http://ex%61mple.com/",
            "http://exämple.com/",
            "http:///path",
            "http://:80/",
            "http://example.com:/",
            "http://example.com:0/",
            "http://example.com:65536/",
            "http://example.com:+80/",
            "http://example.com:80:80/",
            "http://::1/",
            "http://[::1/",
            "http://[::1]x/",
            "http://[::g]/",
            "http://[127.0.0.1]/",
            "http://[::1%25]/",
            "http://1.2.3.4.5/",
            "http://256.0.0.1/",
            "http://1.2.3.256/",
            "http://1.2.65536/",
            "http://4294967296/",
            "http://08.0.0.1/",
            "http://1..2/",
            "http://a..b.com/",
            "http://-a.example.com/",
            "http://example..com/",
            "http://example.com../",
            "",
    })
    void rejectsMalformedOrAmbiguousUrls(String url) {
        assertThatThrownBy(() -> strict().checkUrl(url)).isInstanceOf(UpstreamBlockedException.class);
    }

    @Test
    void reasonsAreClear() {
        assertThat(blockedReason(strict(), "ftp://x.com/")).isEqualTo("scheme 'ftp' is not http or https");
        assertThat(blockedReason(strict(), "http://u:p@x.com/")).isEqualTo("URL has userinfo (user:password@)");
        assertThat(blockedReason(strict(), "http://2130706433/")).isEqualTo("address 127.0.0.1 is loopback");
        assertThat(blockedReason(strict(), "http://127.0.0.1.nip.io/"))
                .isEqualTo("address 127.0.0.1 of host 127.0.0.1.nip.io is loopback");
        assertThat(blockedReason(strict(), "http://x.com/#a")).isEqualTo("URL has a fragment");
        assertThat(new UpstreamBlockedException("r").getMessage()).isEqualTo("upstream blocked: r");
    }

    // ------------------------------------------------------------------------------------------------ schemes, hosts

    @Test
    void schemesDefaultToHttpsOnly() {
        SsrfGuard guard = new SsrfGuard(new UpstreamPolicy(null, null, false), DNS);
        assertThat(guard.checkUrl("https://api.openai.com/").scheme()).isEqualTo("https");
        assertThat(blockedReason(guard, "http://api.openai.com/"))
                .isEqualTo("scheme 'http' is not allowed (allowed: [https])");
        assertThatThrownBy(() -> new UpstreamPolicy(Set.of("ftp"), Set.of(), false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hostAllowlistExactAndWildcard() {
        SsrfGuard guard = new SsrfGuard(UpstreamPolicy.httpsTo(Set.of("api.openai.com", "*.example.com")), DNS);
        assertThat(guard.checkUrl("https://API.OPENAI.COM/v1").host()).isEqualTo("api.openai.com");
        assertThat(guard.checkUrl("https://a.example.com/").host()).isEqualTo("a.example.com");
        assertThat(guard.checkUrl("https://a.b.example.com/").host()).isEqualTo("a.b.example.com");
        assertThat(blockedReason(guard, "https://example.com/")).isEqualTo("host example.com is not in the allowed hosts");
        assertThat(blockedReason(guard, "https://evil-example.com/")).contains("not in the allowed hosts");
        assertThat(blockedReason(guard, "https://example.com.evil.net/")).contains("not in the allowed hosts");
        assertThat(blockedReason(guard, "https://openai.com/")).contains("not in the allowed hosts");
        assertThat(blockedReason(guard, "https://api.openai.com.evil.net/")).contains("not in the allowed hosts");
        // numeric forms are normalised before the allowlist: 2130706433 is not "an allowed host"
        assertThat(blockedReason(guard, "https://2130706433/")).contains("not in the allowed hosts");

        assertThatThrownBy(() -> UpstreamPolicy.httpsTo(Set.of("api.*.com"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UpstreamPolicy.httpsTo(Set.of("*"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(UpstreamPolicy.httpsTo(Set.of("[0:0:0:0:0:0:0:1]")).allowedHosts()).containsExactly("::1");
    }

    @Test
    void allowlistedHostStillCheckedAfterResolution() {
        // An allowed name that resolves to an internal address is still refused.
        SsrfGuard guard = new SsrfGuard(new UpstreamPolicy(Set.of("http"), Set.of("ollama.internal"), false), DNS);
        assertThat(blockedReason(guard, "http://ollama.internal:11434/"))
                .isEqualTo("address 10.1.2.3 of host ollama.internal is private (RFC 1918)");
        SsrfGuard allowed = new SsrfGuard(new UpstreamPolicy(Set.of("http"), Set.of("ollama.internal"), true), DNS);
        assertThat(allowed.pin("http://ollama.internal:11434/v1").connectUri())
                .isEqualTo(URI.create("http://10.1.2.3:11434/v1"));
    }

    // ------------------------------------------------------------------------------------------------ resolution

    @Test
    void namesResolvingToInternalAddressesAreBlocked() {
        assertThat(blockedReason(strict(), "http://127.0.0.1.nip.io/")).contains("loopback");
        assertThat(blockedReason(strict(), "http://metadata.google.internal/computeMetadata/v1/"))
                .isEqualTo("address 169.254.169.254 of host metadata.google.internal is cloud metadata");
        assertThat(blockedReason(strict(), "http://cgnat.example.com/")).contains("carrier-grade NAT");
        assertThat(blockedReason(strict(), "http://mapped.example.com/")).contains("192.168.1.1").contains("private");
        // one bad address among good ones is enough
        assertThat(blockedReason(strict(), "http://rebind.example.com/"))
                .isEqualTo("address 10.0.0.7 of host rebind.example.com is private (RFC 1918)");
    }

    @Test
    void publicNamesResolveAndPin() {
        SsrfGuard guard = strict();
        List<InetAddress> addresses = guard.resolveAndCheck(guard.checkUrl("https://api.openai.com/v1/models"));
        assertThat(addresses).hasSize(2);

        SsrfGuard.PinnedTarget pinned = guard.pin("https://api.openai.com/v1/models?limit=1");
        assertThat(pinned.ipLiteral()).isEqualTo("162.159.140.245");
        assertThat(pinned.connectUri()).isEqualTo(URI.create("https://162.159.140.245:443/v1/models?limit=1"));
        assertThat(pinned.hostHeader()).isEqualTo("api.openai.com");
        assertThat(pinned.sniHostName()).isEqualTo("api.openai.com");

        SsrfGuard.PinnedTarget v6 = guard.pin("https://v6only.example.com:8443/x");
        assertThat(v6.connectUri()).isEqualTo(URI.create("https://[2001:4860:4860::8888]:8443/x"));
        assertThat(v6.hostHeader()).isEqualTo("v6only.example.com:8443");
    }

    @Test
    void ipLiteralsAreNeverLookedUp() {
        FakeDns dns = new FakeDns(Map.of());
        SsrfGuard guard = new SsrfGuard(UpstreamPolicy.permissive(), dns);
        SsrfGuard.PinnedTarget pinned = guard.pin("http://127.1:9000/v1");
        assertThat(pinned.ipLiteral()).isEqualTo("127.0.0.1");
        assertThat(pinned.sniHostName()).isNull();
        assertThat(pinned.hostHeader()).isEqualTo("127.0.0.1:9000");
        guard.pin("http://8.8.8.8/");
        guard.pin("http://[2606:4700::1]/");
        assertThat(dns.lookups).isEmpty();
    }

    @Test
    void unresolvableNameIsAnIoErrorNotABlock() {
        assertThatThrownBy(() -> strict().pin("https://no-such-host.example/"))
                .isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(UnknownHostException.class)
                .hasMessageContaining("no-such-host.example");
    }

    @Test
    void localhostNamesNeedAllowPrivate() {
        assertThat(blockedReason(strict(), "http://localhost:8080/")).isEqualTo("host localhost is a loopback name");
        // permissive: passes the name check; resolution goes to the (fake) resolver
        assertThat(permissive().checkUrl("http://localhost:8080/").host()).isEqualTo("localhost");
    }

    @Test
    void localhostResolvesWithTheSystemResolverAndIsCheckedByAddress() {
        SsrfGuard guard = new SsrfGuard(UpstreamPolicy.permissive());
        assertThat(guard.pin("http://localhost:1/").address().isLoopbackAddress()).isTrue();
    }

    // ------------------------------------------------------------------------------------------------ classification

    @ParameterizedTest
    @CsvSource({
            "8.8.8.8, PUBLIC",
            "1.1.1.1, PUBLIC",
            "100.63.255.255, PUBLIC",
            "100.128.0.0, PUBLIC",
            "172.15.255.255, PUBLIC",
            "172.32.0.0, PUBLIC",
            "169.253.255.255, PUBLIC",
            "223.255.255.255, PUBLIC",
            "127.255.255.255, LOOPBACK",
            "100.64.0.0, CGNAT",
            "169.254.169.254, METADATA",
            "169.254.170.2, LINK_LOCAL",
            "239.255.255.250, MULTICAST",
            "2606:4700::1, PUBLIC",
            "::ffff:8.8.8.8, PUBLIC",
            "64:ff9b::808:808, PUBLIC",
            "2002:808:808::1, PUBLIC",
            "64:ff9b::a9fe:a9fe, METADATA",
            "2002:a9fe:a9fe::1, METADATA",
            "::ffff:100.64.1.1, CGNAT",
            "::ffff:0:a00:1, PRIVATE",
            "::1, LOOPBACK",
            "::2, UNSPECIFIED",
            "fd00:ec2::254, METADATA",
            "fd00:ec2::253, UNIQUE_LOCAL",
            "fe80::1, LINK_LOCAL",
            "febf::1, LINK_LOCAL",
            "ff0e::1, MULTICAST",
            "2001:2::1, BENCHMARK",
            "3fff::1, DOCUMENTATION",
            "100::1, RESERVED",
            "4000::1, RESERVED",
            "2001:20::1, RESERVED",
    })
    void classifiesAddresses(String literal, AddressClass expected) throws Exception {
        InetAddress address = InetAddress.getByName(literal);
        assertThat(SsrfGuard.classify(address)).isEqualTo(expected);
        // also when the JDK keeps an IPv4-mapped address as 16 bytes
        byte[] b = address.getAddress();
        if (b.length == 4) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(b, 0, mapped, 12, 4);
            InetAddress v6 = java.net.Inet6Address.getByAddress(null, mapped, -1);
            assertThat(v6.getAddress()).hasSize(16);
            assertThat(SsrfGuard.classify(v6)).isEqualTo(expected);
        }
    }

    @Test
    void isForbiddenFollowsThePolicy() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        InetAddress metadata = InetAddress.getByName("169.254.169.254");
        InetAddress pub = InetAddress.getByName("8.8.8.8");
        assertThat(strict().isForbidden(loopback)).isTrue();
        assertThat(permissive().isForbidden(loopback)).isFalse();
        assertThat(strict().isForbidden(metadata)).isTrue();
        assertThat(permissive().isForbidden(metadata)).isTrue();
        assertThat(strict().isForbidden(pub)).isFalse();
    }
}
