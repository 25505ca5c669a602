/**
 * Upstream security: SSRF protection for every upstream URL, and the credentials the gateway presents to upstreams.
 * Independent of any HTTP server or client library; the server adapts it to its HTTP client.
 *
 * <h2>SSRF protection</h2>
 *
 * <p>Every configured or derived upstream URL (provider base URLs, Azure resource URLs, OpenAI-compatible servers,
 * proxy targets, anything built from configuration plus request data) goes through a {@link
 * io.gatewaystack.proxy.upstream.SsrfGuard} built from an {@link io.gatewaystack.proxy.upstream.UpstreamPolicy}:
 *
 * <pre>{@code
 * UpstreamPolicy policy = new UpstreamPolicy(Set.of("https"), Set.of("api.openai.com", "*.openai.azure.com"), false);
 * SsrfGuard guard = new SsrfGuard(policy);                 // HostResolver.system(): InetAddress.getAllByName
 * SsrfGuard.Target target = guard.checkUrl(url);           // no DNS; do it at config load to fail fast
 * SsrfGuard.PinnedTarget pinned = guard.pin(url);          // BLOCKING DNS: run on a worker thread
 * }</pre>
 *
 * <h3>What {@code checkUrl} refuses</h3>
 * <ul>
 *   <li>Schemes other than {@code http}/{@code https}, and those not in {@code allowedSchemes} (default: https).</li>
 *   <li>Userinfo ({@code user:pass@host}, {@code host@evil}), fragments, whitespace, control and non-ASCII characters
 *       (IDN hosts must be written in punycode), backslashes, percent-encoded hosts, empty hosts, malformed labels,
 *       unbracketed IPv6, bad or out-of-range ports (an empty port {@code host:} too).</li>
 *   <li>Hosts outside {@code allowedHosts} (exact, or {@code *.suffix} for strict subdomains; empty = any host). The
 *       allowlist is matched after normalisation, so {@code 2130706433} is not a way around it.</li>
 *   <li>IP literals in a forbidden class (below) and the names {@code localhost}, {@code *.localhost},
 *       {@code localhost.localdomain}, {@code ip6-localhost}, {@code ip6-loopback} unless {@code allowPrivate}.</li>
 * </ul>
 * <p>Numeric hosts are normalised the way resolvers and WHATWG URL parsers read them before anything is checked:
 * when the last label is numeric ({@code 123} or {@code 0x..}) the host must be an inet_aton IPv4 form —
 * decimal {@code 2130706433}, octal {@code 0177.0.0.1}, hex {@code 0x7f.1} / {@code 0x7f000001}, short
 * {@code 127.1} — and becomes its dotted quad, or it is refused as ambiguous ({@code 1.2.3.4.5}, {@code 08.1},
 * {@code 256.1.1.1}). Bracketed IPv6 becomes RFC 5952 text; a zone id ({@code [fe80::1%25eth0]}) is validated and
 * dropped (it only scopes link-local addresses, which are refused anyway); IPv4-mapped literals
 * ({@code [::ffff:7f00:1]}) become the IPv4 address.
 *
 * <h3>Address classes ({@link io.gatewaystack.proxy.upstream.AddressClass})</h3>
 * <table>
 *   <caption>Which resolved addresses may be connected to</caption>
 *   <tr><th>Class</th><th>Ranges</th><th>allowed</th></tr>
 *   <tr><td>PUBLIC</td><td>everything else (IPv6: inside 2000::/3)</td><td>always</td></tr>
 *   <tr><td>LOOPBACK</td><td>127/8, ::1</td><td>only with allowPrivate</td></tr>
 *   <tr><td>PRIVATE</td><td>10/8, 172.16/12, 192.168/16</td><td>only with allowPrivate</td></tr>
 *   <tr><td>CGNAT</td><td>100.64/10</td><td>only with allowPrivate</td></tr>
 *   <tr><td>UNIQUE_LOCAL</td><td>fc00::/7</td><td>only with allowPrivate</td></tr>
 *   <tr><td>METADATA</td><td>169.254.169.254, fd00:ec2::254</td><td>never</td></tr>
 *   <tr><td>LINK_LOCAL</td><td>169.254/16, fe80::/10</td><td>never</td></tr>
 *   <tr><td>UNSPECIFIED</td><td>0/8, ::</td><td>never</td></tr>
 *   <tr><td>MULTICAST, BROADCAST</td><td>224/4, ff00::/8, 255.255.255.255</td><td>never</td></tr>
 *   <tr><td>DOCUMENTATION</td><td>192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20</td>
 *       <td>never</td></tr>
 *   <tr><td>BENCHMARK</td><td>198.18/15, 2001:2::/48</td><td>never</td></tr>
 *   <tr><td>RESERVED</td><td>192.0.0/24, 192.88.99/24, 240/4, 2001::/23 (Teredo, ORCHID...), fec0::/10,
 *       64:ff9b:1::/48, 100::/64, IPv6 outside 2000::/3</td><td>never</td></tr>
 * </table>
 * <p>IPv6 addresses that embed an IPv4 address are judged as that IPv4 address: IPv4-mapped {@code ::ffff:a.b.c.d}
 * (also when the JDK keeps it as 16 bytes), IPv4-compatible {@code ::a.b.c.d}, IPv4-translated
 * {@code ::ffff:0:a.b.c.d}, NAT64 {@code 64:ff9b::/96} and 6to4 {@code 2002::/16}. So {@code [::ffff:127.0.0.1]},
 * {@code [64:ff9b::a9fe:a9fe]} and {@code [2002:7f00:1::]} are caught.
 *
 * <h3>Resolution and the connect-time pattern (DNS rebinding)</h3>
 * <p>{@code resolveAndCheck} resolves the host with the {@link io.gatewaystack.proxy.upstream.HostResolver} (blocking;
 * never on an event loop) and refuses the target if <em>any</em> address is forbidden — a name that resolves to one
 * public and one private address is refused, not filtered. A name that does not resolve is an
 * {@link java.io.UncheckedIOException} (an upstream error, 502), not an {@code UpstreamBlockedException}. IP literals
 * are never looked up.
 *
 * <p>Checking a name and then letting the HTTP client resolve it again is not enough: a hostile DNS server can answer
 * a public address to the check and {@code 127.0.0.1} to the connect. The server therefore connects to the checked
 * address itself:
 * <ol>
 *   <li>{@code PinnedTarget p = guard.pin(url)} on a worker thread (resolve, check every address, keep the first);</li>
 *   <li>open the TCP connection to {@code p.address()} / {@code p.target().port()} — the IP literal, never the name;
 *       with Vert.x: {@code new RequestOptions().setServer(SocketAddress.inetSocketAddress(port, p.ipLiteral()))
 *       .setHost(p.target().host()).setPort(port).setURI(p.target().path())}, which connects to the server address
 *       without resolving while the request host stays the name (the TLS peer host; keep
 *       {@code HttpClientOptions.setVerifyHost(true)}, and {@code setForceSni(true)} so SNI is always sent — the
 *       server's integration test should assert both);</li>
 *   <li>send {@code Host: p.hostHeader()}, and for HTTPS SNI {@code p.sniHostName()} with hostname verification
 *       against that name (certificates are checked against the name, not the IP, so pinning does not weaken TLS);</li>
 *   <li>optionally re-check the socket's remote address with {@code guard.isForbidden(...)} after connecting.</li>
 * </ol>
 * <p>A pooled connection stays bound to the address it was opened to; pools must be keyed by the pinned address (or
 * by host with the pin made when the connection is opened), never reopen a pooled key by name.
 *
 * <p><b>Redirects are never followed.</b> The server's upstream client is configured with redirect following off; a
 * 3xx from an upstream is returned as an upstream error, since following it would bypass the checks above. The token
 * endpoint client in {@link io.gatewaystack.proxy.upstream.UpstreamCredentials} does the same
 * ({@link java.net.http.HttpClient.Redirect#NEVER}).
 *
 * <h2>Upstream auth modes</h2>
 *
 * <p>{@link io.gatewaystack.proxy.upstream.UpstreamAuth} is configured per target; {@link
 * io.gatewaystack.proxy.upstream.UpstreamCredentials#headersFor} returns the headers to set on the upstream request.
 * The server must first remove the client's own {@code Authorization} and {@code x-api-key} headers: the user's
 * gateway token never reaches a provider except in {@code forward_bearer}.
 *
 * <table>
 *   <caption>Modes</caption>
 *   <tr><th>config mode</th><th>record</th><th>upstream headers</th></tr>
 *   <tr><td>{@code api_key}</td><td>{@code ApiKey(headerName, SecretValue)}</td>
 *       <td>{@code <headerName>: <key>}; for {@code Authorization} the value gets {@code Bearer } unless it already
 *       has a scheme. OpenAI: {@code ApiKey.bearer(key)}; Anthropic: {@code x-api-key}; Azure: {@code api-key}.</td></tr>
 *   <tr><td>{@code forward_bearer}</td><td>{@code ForwardBearer()}</td>
 *       <td>{@code Authorization: Bearer <the client's verified token>}; no token → failure.</td></tr>
 *   <tr><td>{@code service_oauth}</td><td>{@code ServiceOAuth(tokenEndpoint, clientId, clientSecret, scope,
 *       audience)}</td>
 *       <td>{@code Authorization: Bearer <client-credentials token>}, shared by all users.</td></tr>
 *   <tr><td>{@code user_oauth}</td><td>{@code UserOAuth(tokenEndpoint, clientId, clientSecret, audience, scope)}</td>
 *       <td>{@code Authorization: Bearer <RFC 8693 exchanged token>} on behalf of the user.</td></tr>
 *   <tr><td>{@code none}</td><td>{@code None()}</td><td>none</td></tr>
 * </table>
 *
 * <p><b>Secrets.</b> {@link io.gatewaystack.proxy.upstream.SecretValue} is read once at config load from an
 * environment variable ({@code fromEnv(name, System.getenv())}) or a secrets file ({@code fromFile(path)}, trimmed),
 * never from a client; its {@code toString()} shows only its source ({@code SecretValue[env:OPENAI_API_KEY]}), so the
 * auth records can be logged. Only {@code reveal()} returns the value.
 *
 * <p><b>Token requests.</b> {@code service_oauth} sends {@code grant_type=client_credentials} with {@code scope} and
 * {@code audience} when set. {@code user_oauth} sends
 * {@code grant_type=urn:ietf:params:oauth:grant-type:token-exchange}, {@code subject_token=<user token>},
 * {@code subject_token_type} and {@code requested_token_type} {@code urn:ietf:params:oauth:token-type:access_token},
 * {@code audience}, {@code scope}. Both authenticate the gateway with {@code client_secret_basic} (id and secret
 * form-encoded, RFC 6749 §2.3.1). Responses must be 200 JSON with an {@code access_token} of printable ASCII and a
 * {@code token_type} of Bearer (or none); 64 KiB at most; no redirects; request timeout 10 s by default.
 *
 * <p><b>Caching.</b> Requests run on the {@link java.util.concurrent.Executor} given to the constructor (never on the
 * caller's thread). Tokens are cached per mode (service) or per mode, issuer, subject and user token (exchange — a
 * user who presents a new token gets a new exchange, and an exchanged token is never reused past the user token's
 * {@code exp}) until 30 s (at most half the lifetime) before {@code expires_in}; 5 minutes when the response has no
 * {@code expires_in}. Concurrent callers for the same key share one in-flight request. Failures (HTTP error, timeout,
 * refused connection, bad JSON) complete the stage exceptionally with
 * {@link io.gatewaystack.proxy.upstream.UpstreamAuthException} — map it to 502 {@code upstream_error} — are never
 * cached, and their messages name the mode, endpoint and OAuth {@code error} code, never a secret or token. After an
 * upstream answers 401 to a cached token, {@code invalidate(auth)} drops it.
 *
 * <h2>Not covered here</h2>
 * <ul>
 *   <li>The token endpoints themselves are operator configuration and are not run through the SSRF guard (the JDK
 *       client cannot pin an address while keeping SNI); validate them with {@code checkUrl} at config load if
 *       wanted.</li>
 *   <li>No proactive background refresh: the first request after the refresh point waits for the new token.</li>
 *   <li>{@code private_key_jwt} / mTLS client authentication and DPoP are not implemented.</li>
 * </ul>
 */
package io.gatewaystack.proxy.upstream;
