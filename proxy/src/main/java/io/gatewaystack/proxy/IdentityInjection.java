package io.gatewaystack.proxy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gatewaystack.core.Identity;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The identity headers (including the signed assertion) for each verified identity, computed once and reused.
 *
 * <p>The identity layer hands out one {@link Identity} instance per cached token, so entries are keyed by
 * reference ({@code weakKeys}: cheap, exact, and gone when the token leaves the identity cache). An entry lives
 * for half the assertion's lifetime, so a backend always receives an assertion with at least half its lifetime
 * left.
 */
public final class IdentityInjection {

    private final IdentityAssertionSigner signer;
    private final String extraUserIdHeader;
    private final UnaryOperator<CharSequence> encoder;
    private final Cache<Identity, List<IdentityHeaders.Header>> headers;

    /**
     * @param signer            signs {@code X-Gateway-Identity}; null to send no assertion
     * @param extraUserIdHeader {@code PROXY_INJECT_HEADER}, or null
     * @param encoder           turns names and values into the HTTP layer's preferred form, once per identity
     *                          (the server passes Vert.x's {@code HttpHeaders::createOptimized}); identity for none
     */
    public IdentityInjection(IdentityAssertionSigner signer, String extraUserIdHeader, UnaryOperator<CharSequence> encoder) {
        this.signer = signer;
        this.extraUserIdHeader = extraUserIdHeader;
        this.encoder = encoder;
        Duration reuse = signer == null ? Duration.ofMinutes(5) : signer.ttl().dividedBy(2);
        // bookkeeping on the calling thread (see VerifiedTokenCache): no common-pool wake-up every few reads
        this.headers = Caffeine.newBuilder().executor(Runnable::run).weakKeys().maximumSize(100_000)
                .expireAfterWrite(reuse).build();
    }

    /** The headers to set on the upstream request for this identity (without {@code X-Request-Id}). */
    public List<IdentityHeaders.Header> headersFor(Identity identity) {
        return headers.get(identity, this::compute);
    }

    private List<IdentityHeaders.Header> compute(Identity identity) {
        String assertion = signer == null ? null : signer.sign(identity);
        return IdentityHeaders.forIdentity(identity, extraUserIdHeader, assertion).stream()
                .map(h -> new IdentityHeaders.Header(encoder.apply(h.name()), encoder.apply(h.value())))
                .toList();
    }
}
