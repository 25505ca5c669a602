/**
 * The agent guard: caps per agent workflow — calls, duration since the first call, accumulated cost — and loop
 * detection (the same tool with the same arguments too often within a window). Workflows are named by a header or a
 * verified session and always keyed together with the verified user.
 *
 * <ul>
 *   <li>{@link io.gatewaystack.limits.agent.AgentGuard}: the guard, usable alone; {@link
 *       io.gatewaystack.limits.agent.AgentGuardLayer} is its {@link io.gatewaystack.core.Layer}.</li>
 *   <li>{@link io.gatewaystack.limits.agent.WorkflowId} and {@link io.gatewaystack.limits.agent.CallFingerprint}:
 *       what a workflow and "the same call" are.</li>
 *   <li>{@link io.gatewaystack.limits.agent.WorkflowStore}: in memory, in Redis (one Lua script per check), and the
 *       failure policy around Redis.</li>
 * </ul>
 * See docs/layers/limits.md, section "Agent guard".
 */
package io.gatewaystack.limits.agent;
