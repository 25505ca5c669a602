package io.gatewaystack.policy;

import io.gatewaystack.core.PolicyDecision.Effect;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads policy files (YAML, or JSON by the {@code .json} extension; a file, or a folder read recursively in path
 * order) into one {@link PolicySet}. Accepts the canonical form and the seed's compact forms ({@link Shorthand}).
 * All problems of all files are reported together, each naming file, line and rule; nothing half-loaded is
 * ever returned. Stateless and thread-safe.
 */
public final class PolicyLoader {

    private static final List<String> EXTENSIONS = List.of(".yaml", ".yml", ".json");

    private final ObjectMapper yaml = YAMLMapper.builder().build();
    private final ObjectMapper json = JsonMapper.builder().build();

    /** Loads a policy file, or every policy file under a folder. */
    public PolicySet load(Path fileOrFolder) throws PolicyLoadException {
        return load(List.of(fileOrFolder));
    }

    /** Loads several files or folders as one policy set. */
    public PolicySet load(List<Path> paths) throws PolicyLoadException {
        List<PolicyProblem> problems = new ArrayList<>();
        List<PolicyCompiler.CompiledFile> files = new ArrayList<>();
        for (Path path : paths) {
            List<Path> found;
            try {
                found = policyFiles(path);
            } catch (IOException e) {
                problems.add(new PolicyProblem(path.toString(), 0, null, "cannot read: " + e.getMessage()));
                continue;
            }
            if (found.isEmpty()) {
                problems.add(new PolicyProblem(path.toString(), 0, null, "no policy files (.yaml, .yml, .json) found"));
            }
            for (Path file : found) {
                try {
                    String text = Files.readString(file, StandardCharsets.UTF_8);
                    files.add(compile(file.toString(), text, problems));
                } catch (IOException e) {
                    problems.add(new PolicyProblem(file.toString(), 0, null, "cannot read: " + e.getMessage()));
                }
            }
        }
        return assemble(files, problems);
    }

    /** Loads one document given as text; {@code name} names it in errors and picks the format (.json or YAML). */
    public PolicySet parse(String name, String text) throws PolicyLoadException {
        List<PolicyProblem> problems = new ArrayList<>();
        PolicyCompiler.CompiledFile file = compile(name, text, problems);
        return assemble(List.of(file), problems);
    }

    /** A policy from a {@code TOOL_SCOPES_JSON} value: {@code {"toolName": ["scope", ...]}}. */
    public PolicySet fromToolScopesJson(String value) throws PolicyLoadException {
        return parse("TOOL_SCOPES_JSON.json", value);
    }

    /** The policy files of a path: the file itself, or the folder's .yaml/.yml/.json files (recursive, sorted, no hidden ones). */
    public static List<Path> policyFiles(Path fileOrFolder) throws IOException {
        if (!Files.isDirectory(fileOrFolder)) {
            if (!Files.exists(fileOrFolder)) {
                throw new IOException("no such file or folder");
            }
            return List.of(fileOrFolder);
        }
        try (Stream<Path> walk = Files.walk(fileOrFolder)) {
            // Hidden files and everything under hidden folders are skipped: a Kubernetes ConfigMap mount keeps its
            // real files in "..<timestamp>/" and links them from the top, which would load every rule twice.
            return walk.filter(Files::isRegularFile)
                    .filter(p -> isVisible(fileOrFolder.relativize(p)))
                    .filter(p -> EXTENSIONS.stream().anyMatch(ext -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(ext)))
                    .sorted()
                    .toList();
        }
    }

    private static boolean isVisible(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return false;
            }
        }
        return true;
    }

    private PolicyCompiler.CompiledFile compile(String name, String text, List<PolicyProblem> problems) {
        ObjectMapper mapper = name.toLowerCase(Locale.ROOT).endsWith(".json") ? json : yaml;
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JacksonException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            problems.add(new PolicyProblem(name, line, null, "not valid " + (mapper == json ? "JSON" : "YAML") + ": "
                    + e.getOriginalMessage()));
            return new PolicyCompiler.CompiledFile(name, null, null, List.of());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            problems.add(new PolicyProblem(name, 0, null, "the file is empty"));
            return new PolicyCompiler.CompiledFile(name, null, null, List.of());
        }
        LineIndex lines = LineIndex.of(mapper.createParser(text));
        if (Shorthand.applies(root)) {
            int before = problems.size();
            root = Shorthand.rewrite(root, name, lines, problems);
            if (problems.size() > before) {
                return new PolicyCompiler.CompiledFile(name, null, null, List.of());
            }
        }
        return new PolicyCompiler(name, lines, problems).compile(root);
    }

    private static PolicySet assemble(List<PolicyCompiler.CompiledFile> files, List<PolicyProblem> problems)
            throws PolicyLoadException {
        List<Rule> global = new ArrayList<>();
        Map<String, List<Rule>> tenants = new LinkedHashMap<>();
        Map<String, String> seen = new HashMap<>();
        Effect defaultEffect = null;
        String defaultFrom = null;
        List<String> sources = new ArrayList<>();
        for (PolicyCompiler.CompiledFile f : files) {
            sources.add(f.file());
            if (f.defaultEffect() != null) {
                if (defaultEffect != null && defaultEffect != f.defaultEffect()) {
                    problems.add(new PolicyProblem(f.file(), 0, null, "default " + f.defaultEffect().name().toLowerCase(Locale.ROOT)
                            + " conflicts with default " + defaultEffect.name().toLowerCase(Locale.ROOT) + " in " + defaultFrom));
                } else {
                    defaultEffect = f.defaultEffect();
                    defaultFrom = f.file();
                }
            }
            for (Rule r : f.rules()) {
                String earlier = seen.putIfAbsent(r.id(), r.source());
                if (earlier != null) {
                    int line = Integer.parseInt(r.source().substring(r.source().lastIndexOf(':') + 1));
                    problems.add(new PolicyProblem(f.file(), line, r.id(), "duplicate rule id (first defined at " + earlier + ")"));
                }
            }
            if (f.tenant() == null) {
                global.addAll(f.rules());
            } else {
                tenants.computeIfAbsent(f.tenant(), t -> new ArrayList<>()).addAll(f.rules());
            }
        }
        if (!problems.isEmpty()) {
            throw new PolicyLoadException(problems);
        }
        return new PolicySet(global, tenants, defaultEffect == null ? Effect.DENY : defaultEffect, sources);
    }
}
