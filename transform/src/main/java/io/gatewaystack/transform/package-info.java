/**
 * The transform layer (the seed's "transformabl"): detects personal data and secrets, classifies content, scores
 * its risk, and redacts, blocks or reversibly pseudonymises it.
 *
 * <ul>
 *   <li>{@code detect}: the built-in detectors (one linear pass), RE2 custom detectors, overlap resolution</li>
 *   <li>{@code redact}: actions, per-request {@code Pseudonyms}, the streaming {@code PlaceholderRestorer}</li>
 *   <li>{@code classify}: labels, regulatory flags, the risk score, the pluggable {@code ContentClassifier}</li>
 *   <li>{@code json}: which text fields of which body shapes are scanned</li>
 *   <li>{@link io.gatewaystack.transform.TransformEngine} (library entry point) and
 *       {@link io.gatewaystack.transform.TransformLayer} (the gateway layer)</li>
 * </ul>
 * See docs/layers/transform.md.
 */
package io.gatewaystack.transform;
