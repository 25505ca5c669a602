package io.gatewaystack.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The worked examples of docs/policy.md (healthcare, enterprise copilot, multi-tenant SaaS tiers): each folder
 * under src/test/resources/examples holds a policy/ folder and cases.yaml (a request in REQ.json form and the
 * expected decision). The docs quote the policy files verbatim, which {@link #docsQuoteTheExampleFilesVerbatim} checks.
 */
class ExamplesTest {

    static final Path EXAMPLES = Path.of("src/test/resources/examples");
    static final List<String> NAMES = List.of("healthcare", "enterprise-copilot", "saas-tiers");

    @TestFactory
    Stream<DynamicTest> everyExampleCaseDecidesAsDocumented() throws Exception {
        YAMLMapper yaml = new YAMLMapper();
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : NAMES) {
            PolicySet set = new PolicyLoader().load(EXAMPLES.resolve(name).resolve("policy"));
            JsonNode cases = yaml.readTree(Files.readString(EXAMPLES.resolve(name).resolve("cases.yaml")));
            for (JsonNode c : cases) {
                tests.add(DynamicTest.dynamicTest(name + ": " + c.get("name").asString(), () -> {
                    Decision d = set.decide(PolicyRequestJson.parse(c.get("request")));
                    JsonNode expect = c.get("expect");
                    assertThat(d.effect().name().toLowerCase(Locale.ROOT)).as("effect, reasons %s", d.reasons())
                            .isEqualTo(expect.get("effect").asString());
                    assertThat(d.ruleOrDefault()).as("rule").isEqualTo(expect.get("rule").asString());
                    if (expect.has("reason")) {
                        assertThat(String.join(" ", d.reasons())).contains(expect.get("reason").asString());
                    }
                    if (expect.has("model")) {
                        assertThat(d.modifications().model()).isEqualTo(expect.get("model").asString());
                    }
                    if (expect.has("max_tokens")) {
                        assertThat(d.modifications().maxTokens()).isEqualTo(expect.get("max_tokens").asInt());
                    }
                    assertThat(d.decisionId()).startsWith("pd_");
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void docsQuoteTheExampleFilesVerbatim() throws IOException {
        String docs = Files.readString(Path.of("../docs/policy.md"));
        for (String name : NAMES) {
            try (Stream<Path> files = Files.walk(EXAMPLES.resolve(name).resolve("policy"))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertThat(docs).as("docs/policy.md quotes %s", f).contains(Files.readString(f).strip());
                }
            }
        }
    }
}
