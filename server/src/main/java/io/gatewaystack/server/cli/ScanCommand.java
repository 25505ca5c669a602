package io.gatewaystack.server.cli;

import io.gatewaystack.transform.FieldFindings;
import io.gatewaystack.transform.TransformConfig;
import io.gatewaystack.transform.TransformEngine;
import io.gatewaystack.transform.TransformReport;
import io.gatewaystack.transform.detect.Finding;
import io.gatewaystack.transform.json.BodyShape;
import io.gatewaystack.transform.redact.Action;
import io.gatewaystack.transform.redact.ActionPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code gatewaystack scan [FILE|-]}: runs the transform layer's detectors and classifier over a text or a JSON
 * request body and prints the findings (type, start, end, confidence, never the values), labels, risk score and
 * the content after the action, as one JSON document. For tuning detectors and thresholds before deploying.
 */
@Command(name = "scan", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Scan a text or JSON request body for personal data, secrets and risky content.",
                "Prints the findings (never the values) and the content after --action as JSON.",
                "Exit code: 0 below the threshold, 1 when the risk score reaches --threshold (or a block action fires), 2 on bad input."})
public final class ScanCommand implements Callable<Integer> {

    static final int OK = 0;
    static final int OVER_THRESHOLD = 1;
    static final int BAD_INPUT = 2;
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /** How to read the input. */
    enum Format { auto, text, json }

    @Parameters(index = "0", defaultValue = "-", paramLabel = "FILE", description = "The file to scan, or - for standard input (default).")
    String file;

    @Option(names = "--format", defaultValue = "auto", description = "text, json (a request body) or auto (JSON when it parses). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--action", defaultValue = "placeholder",
            description = "annotate, mask, placeholder, remove, pseudonymize or block, for every type. Default: ${DEFAULT-VALUE}.")
    String action;

    @Option(names = "--threshold", defaultValue = "80", description = "Block threshold 0-101 for the exit code. Default: ${DEFAULT-VALUE}.")
    int threshold;

    @Option(names = "--region", defaultValue = "US", description = "Region for phone numbers without a country code. Default: ${DEFAULT-VALUE}.")
    String region;

    @Option(names = "--shape", defaultValue = "auto",
            description = "Which JSON fields to scan: auto, chat, responses, embeddings, mcp_tools_call, any_json. Default: ${DEFAULT-VALUE}.")
    String shape;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TransformEngine engine;
        try {
            TransformConfig config = TransformConfig.defaults()
                    .withActions(ActionPolicy.all(Action.parse(action)))
                    .withBlockThreshold(threshold)
                    .withBodyShape(BodyShape.parse(shape));
            config = new TransformConfig(config.detectors(), config.customDetectors(), config.actions(), config.blockThreshold(),
                    config.onError(), region, config.bodyShape(), config.maxDepth(), config.classify());
            engine = new TransformEngine(config);
        } catch (IllegalArgumentException e) {
            err.println("gatewaystack scan: " + e.getMessage());
            return BAD_INPUT;
        }
        String input;
        try {
            input = read();
        } catch (IOException e) {
            err.println("gatewaystack scan: cannot read " + file + ": " + e.getMessage());
            return BAD_INPUT;
        }
        JsonNode json = null;
        if (format != Format.text) {
            try {
                json = MAPPER.readTree(input);
                if (json == null || !json.isContainer()) json = null;
            } catch (JacksonException e) {
                if (format == Format.json) {
                    err.println("gatewaystack scan: input is not valid JSON: " + e.getOriginalMessage());
                    return BAD_INPUT;
                }
            }
            if (json == null && format == Format.json) {
                err.println("gatewaystack scan: input is not a JSON object or array");
                return BAD_INPUT;
            }
        }
        ObjectNode result = MAPPER.createObjectNode();
        TransformReport report;
        try {
            if (json != null) {
                report = engine.transformJson(json);
                describe(result, report);
                result.set("output", json);
            } else {
                TransformEngine.TextResult r = engine.transformText(input);
                report = r.report();
                describe(result, report);
                result.put("output", r.text());
            }
        } catch (RuntimeException e) {
            err.println("gatewaystack scan: could not scan the input: " + e.getMessage());
            return BAD_INPUT;
        }
        out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        out.flush();
        return report.blocked() ? OVER_THRESHOLD : OK;
    }

    private static void describe(ObjectNode result, TransformReport report) {
        result.put("risk_score", report.assessment().riskScore());
        result.put("blocked", report.blocked());
        ArrayNode labels = result.putArray("labels");
        report.assessment().labels().forEach(labels::add);
        ArrayNode flags = result.putArray("flags");
        report.assessment().flags().forEach(flags::add);
        ObjectNode counts = result.putObject("counts");
        report.countsByType().forEach(counts::put);
        ArrayNode findings = result.putArray("findings");
        for (FieldFindings field : report.fields()) {
            for (Finding f : field.findings()) {
                ObjectNode o = findings.addObject();
                if (!field.path().isEmpty()) o.put("path", field.path());
                o.put("type", f.type());
                o.put("start", f.start());
                o.put("end", f.end());
                o.put("confidence", f.confidence());
            }
        }
    }

    private String read() throws IOException {
        if (file.equals("-")) {
            InputStream in = System.in;
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    }
}
