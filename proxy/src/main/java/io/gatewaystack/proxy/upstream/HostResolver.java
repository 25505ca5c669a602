package io.gatewaystack.proxy.upstream;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Resolves a host name to its addresses. The {@link SsrfGuard} calls it with host names only (never IP literals),
 * and it may block: callers run the guard off any event loop. Tests inject a resolver to simulate names such as
 * {@code 127.0.0.1.nip.io} that resolve to internal addresses.
 */
@FunctionalInterface
public interface HostResolver {

    InetAddress[] resolve(String host) throws UnknownHostException;

    /** The JVM's resolver, {@link InetAddress#getAllByName(String)} (subject to the JVM's DNS cache). */
    static HostResolver system() {
        return InetAddress::getAllByName;
    }
}
