/**
 * The limits layer (the seed's "limitabl"): request rate limits and per-user concurrency limits, in memory or
 * shared through Redis.
 *
 * <ul>
 *   <li>{@link io.gatewaystack.limits.LimitsLayer}: the {@link io.gatewaystack.core.Layer}.</li>
 *   <li>{@link io.gatewaystack.limits.LimitsConfig} and {@link io.gatewaystack.limits.RateLimitRule}: what to
 *       enforce.</li>
 *   <li>{@link io.gatewaystack.limits.LimitStores}: opens the configured store;
 *       {@link io.gatewaystack.limits.store} holds the stores.</li>
 *   <li>{@link io.gatewaystack.limits.RateLimitHeaders}: renders the success headers.</li>
 *   <li>{@link io.gatewaystack.limits.agent}: the agent guard (caps per agent workflow, loop detection).</li>
 * </ul>
 * Token limits and money budgets (reserve then settle) are not built yet; the store interface is shaped for them
 * (docs/layers/limits.md).
 */
package io.gatewaystack.limits;
