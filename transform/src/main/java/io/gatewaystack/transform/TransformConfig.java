package io.gatewaystack.transform;

import io.gatewaystack.transform.detect.CustomDetectorConfig;
import io.gatewaystack.transform.json.BodyShape;
import io.gatewaystack.transform.json.JsonTextWalker;
import io.gatewaystack.transform.redact.Action;
import io.gatewaystack.transform.redact.ActionPolicy;
import java.util.List;
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
 */
public record TransformConfig(Set<String> detectors, List<CustomDetectorConfig> customDetectors, ActionPolicy actions,
                              int blockThreshold, FailureMode onError, String phoneRegion, BodyShape bodyShape,
                              int maxDepth, boolean classify) {

    public static final int NEVER_BLOCK = 101;

    public TransformConfig {
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

    public TransformConfig withActions(ActionPolicy newActions) {
        return new TransformConfig(detectors, customDetectors, newActions, blockThreshold, onError, phoneRegion, bodyShape, maxDepth, classify);
    }

    public TransformConfig withBlockThreshold(int threshold) {
        return new TransformConfig(detectors, customDetectors, actions, threshold, onError, phoneRegion, bodyShape, maxDepth, classify);
    }

    public TransformConfig withOnError(FailureMode mode) {
        return new TransformConfig(detectors, customDetectors, actions, blockThreshold, mode, phoneRegion, bodyShape, maxDepth, classify);
    }

    public TransformConfig withCustomDetectors(List<CustomDetectorConfig> custom) {
        return new TransformConfig(detectors, custom, actions, blockThreshold, onError, phoneRegion, bodyShape, maxDepth, classify);
    }

    public TransformConfig withBodyShape(BodyShape shape) {
        return new TransformConfig(detectors, customDetectors, actions, blockThreshold, onError, phoneRegion, shape, maxDepth, classify);
    }

    public TransformConfig withDetectors(Set<String> types) {
        return new TransformConfig(types, customDetectors, actions, blockThreshold, onError, phoneRegion, bodyShape, maxDepth, classify);
    }
}
