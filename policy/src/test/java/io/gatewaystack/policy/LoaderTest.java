package io.gatewaystack.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.core.PolicyDecision.Effect;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files, formats, errors located by file, line and rule, and the seed's compact forms. */
class LoaderTest {

    @TempDir
    Path dir;

    private final PolicyLoader loader = new PolicyLoader();

    @Test
    void yamlAndJsonSayTheSame() throws Exception {
        PolicySet yaml = loader.parse("p.yaml", "rules:\n  - id: r\n    effect: allow\n    when: {model: m}\n");
        PolicySet json = loader.parse("p.json", "{\"rules\": [{\"id\": \"r\", \"effect\": \"allow\", \"when\": {\"model\": \"m\"}}]}");
        PolicyInput in = PolicyInput.builder().model("m").build();
        assertThat(yaml.decide(in).ruleId()).isEqualTo("r");
        assertThat(json.decide(in).ruleId()).isEqualTo("r");
    }

    @Test
    void errorsNameFileLineAndRuleAndAllAreReported() {
        PolicyLoadException e = Policies.problems("policy.yaml", """
                rules:
                  - id: ok
                    effect: allow
                  - id: bad-effect
                    effect: permit
                  - id: bad-field
                    effect: allow
                    when:
                      model: gpt-4
                      colour: blue
                  - effect: deny
                  - id: bad-cap
                    effect: modify
                    modify: {max_tokens: -1}
                """);
        assertThat(e.problems()).extracting(PolicyProblem::toString).containsExactly(
                "policy.yaml:5: rule bad-effect: effect must be allow, deny or modify, not 'permit'",
                "policy.yaml:10: rule bad-field: unknown field 'colour' (known: " + String.join(", ", Fact.NAMES)
                        + ", or all/any/not/cel/time)",
                "policy.yaml:11: rule #3: a rule needs an 'id'",
                "policy.yaml:14: rule bad-cap: max_tokens must be a positive integer");
    }

    @Test
    void syntaxErrorsHaveALine() {
        PolicyLoadException e = Policies.problems("p.json", "{\"rules\": [\n  {\"id\": \"a\",\n  \"effect\": }\n]}");
        assertThat(e.problems().get(0).file()).isEqualTo("p.json");
        assertThat(e.problems().get(0).line()).isEqualTo(3);
        assertThat(e.problems().get(0).message()).startsWith("not valid JSON");
        assertThat(Policies.problems("p.yaml", "rules:\n  - id: a\n   effect: [\n").problems().get(0).message()).startsWith("not valid YAML");
        assertThat(Policies.problems("p.yaml", "").getMessage()).contains("empty");
    }

    @Test
    void aFolderIsOnePolicyAndDuplicateIdsAcrossFilesAreRejected() throws Exception {
        Files.writeString(dir.resolve("a.yaml"), "rules:\n  - {id: one, effect: allow, when: {model: m1}}\n");
        Files.createDirectories(dir.resolve("more"));
        Files.writeString(dir.resolve("more/b.json"), "{\"rules\": [{\"id\": \"two\", \"effect\": \"allow\", \"when\": {\"model\": \"m2\"}}]}");
        Files.writeString(dir.resolve("notes.txt"), "not a policy");
        Files.writeString(dir.resolve(".a.yaml.swp"), "garbage");
        // a Kubernetes ConfigMap mount: the real files sit in a hidden "..<timestamp>" folder
        Files.createDirectories(dir.resolve("..2026_11_21_07_00_00.123"));
        Files.writeString(dir.resolve("..2026_11_21_07_00_00.123/a.yaml"), "rules:\n  - {id: one, effect: allow, when: {model: m1}}\n");
        PolicySet set = loader.load(dir);
        assertThat(set.ruleCount()).isEqualTo(2);
        assertThat(set.decide(PolicyInput.builder().model("m2").build()).ruleId()).isEqualTo("two");

        Files.writeString(dir.resolve("c.yaml"), "rules:\n  - {id: one, effect: deny}\n");
        PolicyLoadException e = org.assertj.core.api.Assertions.catchThrowableOfType(PolicyLoadException.class, () -> loader.load(dir));
        assertThat(e.getMessage()).contains("c.yaml:2: rule one: duplicate rule id (first defined at " + dir.resolve("a.yaml") + ":2)");
    }

    @Test
    void theSeedsModelShorthand() throws Exception {
        PolicySet set = loader.parse("models.json",
                "{\"gpt-4-medical\": {\"requiredRoles\": [\"doctor\", \"physician_assistant\"], \"requiredScopes\": [\"medical:write\"]}}");
        PolicyInput doctor = PolicyInput.builder().model("gpt-4-medical").roles("doctor").scopes("medical:write").build();
        assertThat(set.decide(doctor).ruleId()).isEqualTo("gpt-4-medical/allow");
        Decision nurse = set.decide(PolicyInput.builder().model("gpt-4-medical").roles("nurse").scopes("medical:write").build());
        assertThat(nurse.effect()).isEqualTo(Effect.DENY);
        assertThat(nurse.ruleId()).isEqualTo("gpt-4-medical/deny");
        assertThat(nurse.reasons()).containsExactly(
                "model gpt-4-medical requires one of the roles doctor, physician_assistant and the scopes medical:write");
        assertThat(set.decide(PolicyInput.builder().model("gpt-4o").roles("doctor").build()).ruleId()).isNull();
    }

    @Test
    void toolScopesJson() throws Exception {
        PolicySet set = loader.fromToolScopesJson("{\"calendar.read\": [\"calendar:read\"], \"echo\": [], \"crm\": [\"crm:read\", \"crm:write\"]}");
        assertThat(set.decide(PolicyInput.builder().tool("calendar.read").scopes("calendar:read").build()).effect()).isEqualTo(Effect.ALLOW);
        assertThat(set.decide(PolicyInput.builder().tool("echo").build()).effect()).as("[] needs no scope").isEqualTo(Effect.ALLOW);
        Decision d = set.decide(PolicyInput.builder().tool("crm").scopes("crm:read").build());
        assertThat(d.reasons()).containsExactly("tool crm requires scopes crm:read, crm:write");
        assertThat(set.decide(PolicyInput.builder().tool("unknown").build()).ruleId()).isNull();
        assertThat(Policies.problems("TOOL_SCOPES_JSON.json", "{\"a\": [1]}").getMessage())
                .contains("TOOL_SCOPES_JSON.json:1: rule a: expected a list of non-empty strings");
    }

    @Test
    void aMissingPathIsAProblemNotAnEmptyPolicy() {
        PolicyLoadException e = org.assertj.core.api.Assertions.catchThrowableOfType(PolicyLoadException.class,
                () -> loader.load(dir.resolve("missing.yaml")));
        assertThat(e.getMessage()).contains("missing.yaml: cannot read");
    }
}
