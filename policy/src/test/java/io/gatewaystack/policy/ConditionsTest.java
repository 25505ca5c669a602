package io.gatewaystack.policy;

import static io.gatewaystack.policy.Policies.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.core.PolicyDecision.Effect;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every operator, the fields, composition, time of day and CEL. */
class ConditionsTest {

    private static boolean matches(String when, PolicyInput input) {
        return yaml("rules:\n  - id: r\n    effect: allow\n    when: " + when + "\n").decide(input).effect() == Effect.ALLOW;
    }

    private static PolicyInput.Builder in() {
        return PolicyInput.builder();
    }

    @Test
    void equalsAndInOnScalarsAndLists() {
        assertThat(matches("{plan: pro}", in().plan("pro").build())).isTrue();
        assertThat(matches("{plan: {equals: pro}}", in().plan("free").build())).isFalse();
        assertThat(matches("{plan: [pro, enterprise]}", in().plan("enterprise").build())).isTrue();
        assertThat(matches("{roles: [doctor, nurse]}", in().roles("nurse", "x").build())).isTrue();
        assertThat(matches("{roles: {any: [doctor]}}", in().roles("nurse").build())).isFalse();
        assertThat(matches("{method: POST}", in().method("POST").build())).isTrue();
        assertThat(matches("{issuer: \"https://idp\"}", in().issuer("https://idp").build())).isTrue();
        assertThat(matches("{org: acme, tenant: t1, sub: u}", in().org("acme").tenant("t1").subject("u").build())).isTrue();
        assertThat(matches("{route: proxy, provider: openai}", in().route("proxy").provider("openai").build())).isTrue();
    }

    @Test
    void allAndNoneOnLists() {
        assertThat(matches("{scopes: {all: [a, b]}}", in().scopes("a", "b", "c").build())).isTrue();
        assertThat(matches("{scopes: {all: [a, b]}}", in().scopes("a").build())).isFalse();
        assertThat(matches("{content.labels: {none: [pii]}}", in().labels("medical").build())).isTrue();
        assertThat(matches("{content.labels: {none: [pii]}}", in().labels("pii").build())).isFalse();
        assertThat(matches("{content.pii: {any: [ssn]}}", in().pii(Map.of("ssn", 2)).build())).isTrue();
    }

    @Test
    void globMatchesTheWholeNameAndRegexSearches() {
        assertThat(matches("{model: {glob: \"gpt-4*\"}}", in().model("gpt-4o-mini").build())).isTrue();
        assertThat(matches("{model: {glob: \"gpt-4*\"}}", in().model("my-gpt-4").build())).isFalse();
        assertThat(matches("{model: {glob: \"gpt-?o\"}}", in().model("gpt-4o").build())).isTrue();
        // Glob characters other than * and ? are literal: "." is a dot, not "any character".
        assertThat(matches("{tool: {glob: \"finance.*\"}}", in().tool("financeXreport").build())).isFalse();
        assertThat(matches("{model: {regex: \"gpt-4\"}}", in().model("my-gpt-4").build())).isTrue();
        assertThat(matches("{model: {regex: \"^gpt-4$\"}}", in().model("gpt-4o").build())).isFalse();
        assertThat(matches("{model: {glob: [\"claude-*\", \"gpt-*\"]}}", in().model("claude-3").build())).isTrue();
    }

    @Test
    void numericComparisonsAndRanges() {
        assertThat(matches("{content.risk_score: {gte: 50}}", in().riskScore(50).build())).isTrue();
        assertThat(matches("{content.risk_score: {gt: 50}}", in().riskScore(50).build())).isFalse();
        assertThat(matches("{risk_score: {lt: 10}}", in().riskScore(9).build())).isTrue();
        assertThat(matches("{risk_score: {lte: 10}}", in().riskScore(11).build())).isFalse();
        assertThat(matches("{content.risk_score: {between: [20, 40]}}", in().riskScore(40).build())).isTrue();
        assertThat(matches("{content.risk_score: {between: [20, 40]}}", in().riskScore(41).build())).isFalse();
        assertThat(matches("{request.max_tokens: {gt: 1000}}", in().maxTokens(4000).build())).isTrue();
        assertThat(matches("{max_tokens: 100}", in().maxTokens(100).build())).isTrue();
        assertThat(matches("{request.stream: true}", in().stream(true).build())).isTrue();
        assertThat(matches("{stream: true}", in().stream(false).build())).isFalse();
    }

    @Test
    void claimsByPathAndMissingClaims() {
        PolicyInput withClaims = in().claims(Map.of("dept", "legal", "org", Map.of("tier", "gold"),
                "groups", List.of("a", "b"), "level", 3)).build();
        assertThat(matches("{claims.dept: legal}", withClaims)).isTrue();
        assertThat(matches("{claims.org.tier: gold}", withClaims)).isTrue();
        assertThat(matches("{claims.groups: b}", withClaims)).isTrue();
        assertThat(matches("{claims.level: {gte: 3}}", withClaims)).isTrue();
        assertThat(matches("{claims.level: 3}", withClaims)).isTrue();
        PolicyInput none = in().build();
        // A missing claim matches nothing — not even "none" — except exists: false.
        assertThat(matches("{claims.dept: legal}", none)).isFalse();
        assertThat(matches("{claims.dept: {none: [legal]}}", none)).isFalse();
        assertThat(matches("{claims.dept: {exists: true}}", none)).isFalse();
        assertThat(matches("{claims.dept: {exists: false}}", none)).isTrue();
        assertThat(matches("{claims.org.tier.deeper: x}", withClaims)).isFalse();
        assertThat(matches("{plan: {exists: false}}", none)).isTrue();
        assertThat(matches("{content.risk_score: {lt: 100}}", none)).as("no content inspected").isFalse();
    }

    @Test
    void allAnyNotCompose() {
        String when = "{any: [{roles: admin}, {all: [{roles: dev}, {not: {claims.contractor: true}}]}]}";
        assertThat(matches(when, in().roles("admin").build())).isTrue();
        assertThat(matches(when, in().roles("dev").build())).isTrue();
        assertThat(matches(when, in().roles("dev").claims(Map.of("contractor", true)).build())).isFalse();
        assertThat(matches(when, in().roles("guest").build())).isFalse();
    }

    @Test
    void timeOfDayInAZoneWithDays() {
        String when = "{time: {after: \"09:00\", before: \"17:00\", zone: America/New_York, days: [mon, tue, wed, thu, fri]}}";
        // 2026-01-05 is a Monday; 14:30Z is 09:30 in New York, 13:30Z is 08:30.
        assertThat(matches(when, in().time(Instant.parse("2026-01-05T14:30:00Z")).build())).isTrue();
        assertThat(matches(when, in().time(Instant.parse("2026-01-05T13:30:00Z")).build())).isFalse();
        assertThat(matches(when, in().time(Instant.parse("2026-01-04T14:30:00Z")).build())).as("Sunday").isFalse();
        String night = "{time: {after: \"22:00\", before: \"06:00\"}}";
        assertThat(matches(night, in().time(Instant.parse("2026-01-05T23:00:00Z")).build())).isTrue();
        assertThat(matches(night, in().time(Instant.parse("2026-01-05T05:59:00Z")).build())).isTrue();
        assertThat(matches(night, in().time(Instant.parse("2026-01-05T12:00:00Z")).build())).isFalse();
    }

    @Test
    void celOverTheSameFacts() {
        String cel = "{cel: \"identity.plan == 'pro' && resource.model.startsWith('gpt-') && "
                + "request.max_tokens <= 2000 && !('pii' in content.labels) && size(identity.scopes) > 0\"}";
        PolicyInput ok = in().plan("pro").model("gpt-4o").maxTokens(1000).labels("medical").scopes("a").build();
        assertThat(matches(cel, ok)).isTrue();
        assertThat(matches(cel, in().plan("pro").model("gpt-4o").maxTokens(3000).scopes("a").build())).isFalse();
        assertThat(matches("{cel: \"has(identity.claims.dept) && identity.claims.dept == 'x'\"}", in().build())).isFalse();
        assertThat(matches("{cel: \"identity.claims.level >= 3 && content.pii.email > 1\"}",
                in().claims(Map.of("level", 3)).pii(Map.of("email", 2)).build())).isTrue();
        assertThat(matches("{cel: \"now.getDayOfWeek('UTC') == 1\"}", in().time(Instant.parse("2026-01-05T10:00:00Z")).build()))
                .as("Monday is 1 in CEL").isTrue();
    }

    @Test
    void celErrorsAreLoadErrorsOrFailClosed() {
        assertThat(Policies.problems("p.yaml", "rules:\n  - id: r\n    effect: allow\n    when: {cel: \"identity.plan ==\"}\n")
                .getMessage()).contains("p.yaml:4: rule r: invalid CEL expression");
        assertThat(Policies.problems("p.yaml", "rules:\n  - {id: r, effect: allow, when: {cel: \"size(identity.roles)\"}}\n")
                .getMessage()).as("result must be bool").contains("invalid CEL expression");
        PolicySet set = yaml("rules:\n  - {id: r, effect: allow, when: {cel: \"identity.claims.dept == 'x'\"}}\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> set.decide(in().build()))
                .isInstanceOf(PolicyEvaluationException.class);
    }
}
