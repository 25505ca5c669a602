/**
 * The shared vocabulary of GatewayStack: the per-request {@link io.gatewaystack.core.RequestContext}, the verified
 * {@link io.gatewaystack.core.Identity}, the contract's error model ({@link io.gatewaystack.core.ErrorCode},
 * {@link io.gatewaystack.core.GatewayError}) and the chain of layers ({@link io.gatewaystack.core.Layer},
 * {@link io.gatewaystack.core.Verdict}, {@link io.gatewaystack.core.Pipeline}).
 *
 * <p>Every layer module depends on this package and on nothing of each other; none of it knows about HTTP servers.
 */
package io.gatewaystack.core;
