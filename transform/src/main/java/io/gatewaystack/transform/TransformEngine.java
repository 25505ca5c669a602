package io.gatewaystack.transform;

import io.gatewaystack.transform.classify.ContentClassifier;
import io.gatewaystack.transform.classify.HeuristicClassifier;
import io.gatewaystack.transform.classify.RiskAssessment;
import io.gatewaystack.transform.classify.RiskScorer;
import io.gatewaystack.transform.detect.BuiltinDetectors;
import io.gatewaystack.transform.detect.ContentScanner;
import io.gatewaystack.transform.detect.CustomDetector;
import io.gatewaystack.transform.detect.CustomDetectorConfig;
import io.gatewaystack.transform.detect.Finding;
import io.gatewaystack.transform.json.JsonEscapes;
import io.gatewaystack.transform.json.JsonTextWalker;
import io.gatewaystack.transform.json.TextSlot;
import io.gatewaystack.transform.redact.Action;
import io.gatewaystack.transform.redact.ActionPolicy;
import io.gatewaystack.transform.redact.Pseudonyms;
import io.gatewaystack.transform.redact.TextRedactor;
import io.gatewaystack.transform.response.ResponseScanner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Detect, classify, score and apply actions, for a plain text or a JSON body. Built once from a
 * {@link TransformConfig} (custom patterns compiled and checked here, so a bad one fails at startup);
 * immutable and thread-safe. Usable without the gateway as a library.
 */
public final class TransformEngine {

    private final TransformConfig config;
    private final ContentScanner scanner;
    private final List<ContentClassifier> classifiers;
    private final Map<String, String> customLabels;
    private final JsonTextWalker walker;
    private final ResponseScanner responseScanner;

    /** @param extraClassifiers run after the built-in heuristics (e.g. an ML model); may be empty */
    public TransformEngine(TransformConfig config, List<ContentClassifier> extraClassifiers) {
        this.config = config;
        List<CustomDetector> custom = new ArrayList<>();
        Map<String, String> labels = new HashMap<>();
        for (CustomDetectorConfig c : config.customDetectors()) {
            CustomDetector d = CustomDetector.compile(c);
            custom.add(d);
            labels.put(d.type(), d.label());
        }
        this.customLabels = Map.copyOf(labels);
        this.scanner = new ContentScanner(BuiltinDetectors.enabled(config.detectors(), config.phoneRegion()), custom,
                config.detectors());
        List<ContentClassifier> cls = new ArrayList<>();
        HeuristicClassifier heuristic = config.classify() ? HeuristicClassifier.standard() : null;
        if (heuristic != null) cls.add(heuristic);
        cls.addAll(extraClassifiers);
        this.classifiers = List.copyOf(cls);
        this.walker = new JsonTextWalker(config.maxDepth());
        this.responseScanner = new ResponseScanner(scanner, config.response(), walker, heuristic);
    }

    public TransformEngine(TransformConfig config) {
        this(config, List.of());
    }

    public TransformConfig config() {
        return config;
    }

    /** Scans responses with the same detectors and the configuration's response settings. */
    public ResponseScanner responseScanner() {
        return responseScanner;
    }

    /** The label of each custom detector type. */
    Map<String, String> customLabels() {
        return customLabels;
    }

    /** Findings only, for one text. */
    public List<Finding> scan(String text) {
        return scanner.scan(text);
    }

    /** A plain text after detection and actions. */
    public TextResult transformText(String text) {
        Pseudonyms pseudonyms = new Pseudonyms();
        Accumulator acc = new Accumulator();
        List<Finding> findings = acc.add("", text, pseudonyms);
        String out = TextRedactor.apply(text, findings, config.actions(), pseudonyms);
        return new TextResult(out, acc.report(out != text, pseudonyms));
    }

    /**
     * Scans the text fields of {@code root} and writes the changed ones back into it (in place). All fields are
     * scanned before any is written, so a failure during scanning leaves the body untouched.
     */
    public TransformReport transformJson(JsonNode root) {
        Pseudonyms pseudonyms = new Pseudonyms();
        Accumulator acc = new Accumulator();
        List<TextSlot> slots = walker.texts(root, config.bodyShape());
        List<TextSlot> changed = new ArrayList<>();
        List<String> replacements = new ArrayList<>();
        for (TextSlot slot : slots) {
            // a tool call's arguments are JSON text: scanned with their escapes blanked (same offsets)
            String view = slot.holdsJson() ? JsonEscapes.blank(slot.text()) : slot.text();
            List<Finding> findings = acc.add(slot.path(), view, pseudonyms);
            if (findings.isEmpty()) continue;
            String out = TextRedactor.apply(slot.text(), findings, config.actions(), pseudonyms);
            if (out != slot.text()) {
                changed.add(slot);
                replacements.add(out);
            }
        }
        TransformReport report = acc.report(!changed.isEmpty(), pseudonyms);
        if (!report.blocked()) {
            for (int i = 0; i < changed.size(); i++) changed.get(i).set(replacements.get(i));
        }
        return report;
    }

    /** A transformed text and its report. */
    public record TextResult(String text, TransformReport report) {}

    /** Collects findings and labels over the fields of one request. */
    private final class Accumulator {
        private final List<FieldFindings> fields = new ArrayList<>();
        private final Map<String, Integer> counts = new TreeMap<>();
        private final Map<String, Integer> changed = new TreeMap<>();
        private final Set<String> blockedTypes = new TreeSet<>();
        private final Set<String> classifierLabels = new HashSet<>();

        List<Finding> add(String path, String text, Pseudonyms pseudonyms) {
            List<Finding> findings = scanner.scan(text);
            ActionPolicy policy = config.actions();
            for (Finding f : findings) {
                counts.merge(f.type(), 1, Integer::sum);
                Action a = policy.actionFor(f.type());
                if (a.changesText()) changed.merge(f.type(), 1, Integer::sum);
                if (a == Action.BLOCK) blockedTypes.add(f.type());
            }
            if (!findings.isEmpty()) fields.add(new FieldFindings(path, findings));
            for (ContentClassifier c : classifiers) classifierLabels.addAll(c.classify(text));
            return findings;
        }

        TransformReport report(boolean modified, Pseudonyms pseudonyms) {
            RiskAssessment assessment = RiskScorer.assess(counts, customLabels, classifierLabels);
            boolean blocked = !blockedTypes.isEmpty() || assessment.riskScore() >= config.blockThreshold();
            return new TransformReport(fields, new TreeMap<>(counts), new TreeMap<>(changed), List.copyOf(blockedTypes),
                    assessment, blocked, modified && !blocked, pseudonyms);
        }
    }
}
