/**
 * The proxy layer (the seed's "proxyabl"): the HTTP-server-independent rules of forwarding a request to a backend
 * with the verified identity injected — which headers cross, which paths are safe, and the signed identity
 * assertion. The server module adapts them to its HTTP client.
 */
package io.gatewaystack.proxy;
