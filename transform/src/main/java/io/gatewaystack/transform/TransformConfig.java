package io.gatewaystack.transform;

import io.gatewaystack.transform.detect.CustomDetectorConfig;
import io.gatewaystack.transform.json.BodyShape;
import io.gatewaystack.transform.json.JsonTextWalker;
import io.gatewaystack.transform.redact.Action;
import io.gatewaystack.transform.redact.ActionPolicy;
import io.gatewaystack.transform.response.ResponseSettings;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The transform layer's configuration (built by code; the server maps YAML onto it, see docs/layers/transform.md).
 *
 * @param detectors       built-in detector types to run; empty means all of them
 * @param customDetectors detectors from configuration (RE2 patterns)
 * @param actions         per-type actions
 * @param blockThreshold  requests whose risk score is at or over this are refused (0-100; 101 never blocks)
 * @param onError         fail open (default) or closed when the transform itself fails
 * @param phoneRegion     ISO region for phone numbers without a country code, e.g. US, DE
 * @param bodyShape       which JSON fields to scan
 * @param maxDepth        deepest JSON nesting walked; deeper bodies count as a transform failure
 * @param classify        run the built-in heuristic classifier
 * @param response        whether and how responses are scanned
 * @param routes          complete configurations for single routes, by route name ({@code llm.chat}) or route
 *                        group ({@code llm}, the part before the first dot); see {@link #forRoute}. Their own
 *                        {@code routes} must be empty.
 */
public record TransformConfig(Set<String> detectors, List<CustomDetectorConfig> customDetectors, ActionPolicy actions,
                              int blockThreshold, FailureMode onError, String phoneRegion, BodyShape bodyShape,
                              int maxDepth, boolean classify, ResponseSettings response,
                              Map<String, TransformConfig> routes) {

    public static final int NEVER_BLOCK = 101;

    /** A configuration without response scanning and without per-route settings. */
    public TransformConfig(Set<String> detectors, List<CustomDetectorConfig> customDetectors, ActionPolicy actions,
                           int blockThreshold, FailureMode onError, String phoneRegion, BodyShape bodyShape,
                           int maxDepth, boolean classify) {
        this(detectors, customDetectors, actions, blockThreshold, onError, phoneRegion, bodyShape, maxDepth, classify,
                ResponseSettings.OFF, Map.of());
    }

    public TransformConfig {
        Objects.requireNonNull(response, "response");
        routes = Map.copyOf(routes);
        for (Map.Entry<String, TransformConfig> r : routes.entrySet()) {
            if (!r.getValue().routes().isEmpty()) {
                throw new IllegalArgumentException("the settings of route '" + r.getKey() + "' cannot have routes of their own");
            }
        }
        detectors = Set.copyOf(detectors);
        customDetectors = List.copyOf(customDetectors);
        Objects.requireNonNull(actions, "actions");
        Objects.requireNonNull(onError, "onError");
        Objects.requireNonNull(phoneRegion, "phoneRegion");
        Objects.requireNonNull(bodyShape, "bodyShape");
        if (blockThreshold < 0 || blockThreshold > NEVER_BLOCK) {
            throw new IllegalArgumentException("blockThreshold must be 0..101, was " + blockThreshold);
        }
        if (maxDepth < 1) throw new IllegalArgumentException("maxDepth must be positive");
    }

    /** All built-in detectors, annotate only, block at 80, fail open, US phone numbers, body shape by content. */
    public static TransformConfig defaults() {
        return new TransformConfig(Set.of(), List.of(), ActionPolicy.all(Action.ANNOTATE), 80, FailureMode.FAIL_OPEN,
                "US", BodyShape.AUTO, JsonTextWalker.DEFAULT_MAX_DEPTH, true);
    }

    /**
     * The configuration for a route: the one named exactly (e.g. {@code llm.chat}), else the one of its group (the
     * name up to the first dot, {@code llm}), else this one.
     */
    public TransformConfig forRoute(String routeName) {
        if (routeName == null || routes.isEmpty()) return this;
        TransformConfig exact = routes.get(routeName);
        if (exact != null) return exact;
        int dot = routeName.indexOf('.');
        TransformConfig group = dot > 0 ? routes.get(routeName.substring(0, dot)) : null;
        return group != null ? group : this;
    }

    public TransformConfig withResponse(ResponseSettings newResponse) {
        return new TransformConfig(detectors, customDetectors, actions, blockThreshold, onError, phoneRegion, bodyShape, maxDepth, classify, newResponse, routes);
    }

    public TransformConfig withRoutes(Map<String, TransformConfig> newRoutes) {
        return new TransformConfig(detectors, customDetectors, actions, blockThreshold, onError, phoneRegion, bodyShape, maxDepth, classify, response, newRoutes);
    }

    public TransformConfig withActions(ActionPolicy newActions) {
        return new TransformConfig(detectors, customDetectors, newActions, blockThreshold, onError, phoneRegion, bodyShape, maxDepth, classify, response, routes);
    }

    public TransformConfig withBlockThreshold(int threshold) {
        return new TransformConfig(detectors, customDetectors, actions, threshold, onError, phoneRegion, bodyShape, maxDepth, classify, response, routes);
    }

    public TransformConfig withOnError(FailureMode mode) {
        return new TransformConfig(detectors, customDetectors, actions, blockThreshold, mode, phoneRegion, bodyShape, maxDepth, classify, response, routes);
    }

    public TransformConfig withCustomDetectors(List<CustomDetectorConfig> custom) {
        return new TransformConfig(detectors, custom, actions, blockThreshold, onError, phoneRegion, bodyShape, maxDepth, classify, response, routes);
    }

    public TransformConfig withBodyShape(BodyShape shape) {
        return new TransformConfig(detectors, customDetectors, actions, blockThreshold, onError, phoneRegion, shape, maxDepth, classify, response, routes);
    }

    public TransformConfig withDetectors(Set<String> types) {
        return new TransformConfig(types, customDetectors, actions, blockThreshold, onError, phoneRegion, bodyShape, maxDepth, classify, response, routes);
    }
}
