package io.gatewaystack.identity;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The signing keys of one issuer, fetched from its JWKS and kept for {@code jwksCacheTtl}.
 *
 * <p>The rules, in the order they apply:
 * <ul>
 *   <li>Keys older than the TTL are fetched again. If another thread is already fetching, the stale keys are used
 *       meanwhile rather than waiting.</li>
 *   <li>A token whose key ({@code kid}, key type, use, alg) is not held triggers one more fetch: that is how a
 *       rotated-in key is learnt.</li>
 *   <li>Fetches, whatever triggers them, are at least {@code jwksRefreshMinInterval} apart, so a flood of tokens with
 *       random {@code kid}s cannot turn the gateway into a weapon against the identity provider.</li>
 *   <li>A failed fetch keeps the last good keys (an outage of the IdP does not log everybody out) and is reported
 *       in the state; keys are only ever removed by a successful fetch that no longer lists them.</li>
 * </ul>
 * Keys come only from the JWKS: the token's own {@code jwk}, {@code jku}, {@code x5u} and {@code x5c} headers are
 * never looked at.
 */
final class JwksKeySource {

    private static final Logger log = LoggerFactory.getLogger(JwksKeySource.class);

    /** The answer to "which keys may have signed this token?". */
    sealed interface Lookup {
        record Found(List<JWK> keys) implements Lookup {
        }

        /** The keys were fetched fine and none fits: the token is not from this issuer's keys. */
        record UnknownKey() implements Lookup {
        }

        /** No key fits and the JWKS could not be fetched: the gateway cannot tell, so it fails closed with 503. */
        record Unavailable() implements Lookup {
        }
    }

    /** An immutable snapshot; replaced as a whole so readers never see half an update. */
    private record State(List<JWK> keys, Instant fetchedAt, Instant attemptedAt, boolean lastFetchOk,
                         String lastError, URI jwksUri) {
        static final State INITIAL = new State(List.of(), null, null, false, null, null);
    }

    private static final Lookup UNKNOWN_KEY = new Lookup.UnknownKey();
    private static final Lookup UNAVAILABLE = new Lookup.Unavailable();

    private final String issuer;
    private final JwkSetFetcher fetcher;
    private final Duration ttl;
    private final Duration minInterval;
    private final Clock clock;
    private final Runnable onKeysRemoved;
    private final ReentrantLock fetchLock = new ReentrantLock();
    private final AtomicLong generation = new AtomicLong();
    private volatile State state = State.INITIAL;

    /**
     * @param onKeysRemoved called (on the fetching thread) after a fetch no longer lists a key that was held, so
     *                      tokens verified with the removed key can be forgotten
     */
    JwksKeySource(String issuer, JwkSetFetcher fetcher, Duration ttl, Duration minInterval, Clock clock,
                  Runnable onKeysRemoved) {
        this.issuer = issuer;
        this.fetcher = fetcher;
        this.ttl = ttl;
        this.minInterval = minInterval;
        this.clock = clock;
        this.onKeysRemoved = onKeysRemoved;
    }

    /** The keys that may have signed a token with this header. Blocking (may fetch); never throws. */
    Lookup find(JWSHeader header) {
        State current = state;
        if (current.fetchedAt() == null) {
            current = fetch(current, true);
        } else if (isStale(current)) {
            // Someone else is refreshing: the stale keys are still the best knowledge, use them.
            current = fetch(current, false);
        }
        List<JWK> keys = select(current, header);
        if (!keys.isEmpty()) {
            return new Lookup.Found(keys);
        }
        current = fetch(current, true); // unknown kid: maybe a rotated-in key
        keys = select(current, header);
        if (!keys.isEmpty()) {
            return new Lookup.Found(keys);
        }
        return current.lastFetchOk() ? UNKNOWN_KEY : UNAVAILABLE;
    }

    /** Fetches now unless a fetch happened within the minimum interval. Blocking; never throws. */
    void refresh() {
        fetch(state, true);
    }

    /** Changes each time a fetch drops a key; lets callers notice a removal that raced with their verification. */
    long generation() {
        return generation.get();
    }

    IssuerStatus status(IssuerConfig config) {
        State s = state;
        URI uri = s.jwksUri() != null ? s.jwksUri() : fetcher.knownJwksUri();
        return new IssuerStatus(config.issuer(), config.audiences(), uri == null ? null : uri.toString(),
                s.lastFetchOk(), s.keys().size(), s.lastError());
    }

    private boolean isStale(State s) {
        return !clock.instant().isBefore(s.fetchedAt().plus(ttl));
    }

    /**
     * One fetch, serialised per issuer. {@code seen} is the state the caller decided on: if another thread replaced
     * it meanwhile, that newer state is the answer and no second request is sent.
     */
    private State fetch(State seen, boolean wait) {
        if (wait) {
            fetchLock.lock();
        } else if (!fetchLock.tryLock()) {
            return seen;
        }
        try {
            State current = state;
            if (current != seen) {
                return current;
            }
            Instant now = clock.instant();
            if (current.attemptedAt() != null && now.isBefore(current.attemptedAt().plus(minInterval))) {
                return current; // rate-limited: answer from what we have
            }
            State next = doFetch(current, now);
            state = next;
            return next;
        } finally {
            fetchLock.unlock();
        }
    }

    private State doFetch(State current, Instant now) {
        try {
            JwkSetFetcher.Fetched fetched = fetcher.fetch();
            List<JWK> keys = List.copyOf(fetched.keys().getKeys());
            Set<JWK> fresh = new HashSet<>(keys);
            boolean changed = current.fetchedAt() != null && !fresh.equals(new HashSet<>(current.keys()));
            if (changed) {
                log.info("Signing keys of issuer {} changed: {} key(s) now", issuer, keys.size());
                // A new key cannot invalidate anything; a removed (or altered) one must stop working at once.
                if (!fresh.containsAll(current.keys())) {
                    generation.incrementAndGet();
                    onKeysRemoved.run();
                }
            } else {
                log.debug("Fetched {} signing key(s) of issuer {} from {}", keys.size(), issuer, fetched.jwksUri());
            }
            return new State(keys, now, now, true, null, fetched.jwksUri());
        } catch (Exception e) {
            // Fail closed for unknown keys, but keep the keys we have: they were valid a moment ago.
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            log.warn("Cannot fetch the signing keys of issuer {} ({}); keeping {} known key(s)", issuer, error,
                    current.keys().size());
            return new State(current.keys(), current.fetchedAt(), now, false, error, current.jwksUri());
        }
    }

    /** The held keys that fit the header: same kid (when the token names one), key type for the alg, use sig. */
    private static List<JWK> select(State s, JWSHeader header) {
        if (s.keys().isEmpty()) {
            return List.of();
        }
        JWKMatcher.Builder matcher = new JWKMatcher.Builder()
                .keyType(KeyType.forAlgorithm(header.getAlgorithm()))
                .keyUses(KeyUse.SIGNATURE, null)
                .algorithms(header.getAlgorithm(), null);
        if (header.getKeyID() != null) {
            matcher.keyID(header.getKeyID());
        }
        return new JWKSelector(matcher.build()).select(new com.nimbusds.jose.jwk.JWKSet(s.keys()));
    }
}
