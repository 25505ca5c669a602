package io.gatewaystack.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.RequestBody;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.transform.json.BodyShape;
import io.gatewaystack.transform.redact.Action;
import io.gatewaystack.transform.redact.ActionPolicy;
import io.gatewaystack.transform.redact.PlaceholderRestorer;
import io.gatewaystack.transform.response.ResponseSettings;
import io.gatewaystack.transform.response.StreamingRedactor;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ResponseGuardTest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static RequestContext ctx(String route, String json) {
        RequestContext ctx = RequestContext.builder().requestId("r1").method("POST").path("/v1/chat/completions")
                .routeName(route).build();
        ctx.body(new RequestBody(json.getBytes(StandardCharsets.UTF_8), "application/json", MAPPER.readTree(json)));
        return ctx;
    }

    private static TransformConfig config() {
        return TransformConfig.defaults()
                .withActions(new ActionPolicy(Map.of("email", Action.PSEUDONYMIZE), Action.ANNOTATE, 2))
                .withResponse(ResponseSettings.on(Map.of("email", Action.MASK, "aws_access_key", Action.BLOCK), Action.ANNOTATE));
    }

    @Test
    void theUsersOwnValuesAreRestoredAndNotRedactedWhileNewOnesAre() {
        RequestContext ctx = ctx("llm.chat", "{\"messages\":[{\"role\":\"user\",\"content\":\"Write to bob@example.com\"}]}");
        new TransformLayer(config()).onRequest(ctx);
        ResponseGuard guard = TransformLayer.responseGuard(ctx).orElseThrow();
        assertThat(TransformLayer.responseGuard(ctx)).containsSame(guard);

        // streamed: scan first (the model's text with its placeholders), then restore
        StreamingRedactor scan = guard.stream();
        PlaceholderRestorer restore = TransformLayer.pseudonyms(ctx).orElseThrow().restorer();
        StringBuilder out = new StringBuilder();
        for (String chunk : new String[] {"Done: mailed <EMA", "IL_1>, cc eve@exa", "mple.org. Bye", "."}) {
            out.append(restore.push(scan.push(chunk)));
        }
        out.append(restore.push(scan.finish())).append(restore.finish());
        guard.record();
        assertThat(out.toString()).isEqualTo("Done: mailed bob@example.com, cc ev***********rg. Bye.");

        assertThat(guard.redactedHeader()).isEqualTo("email=2"); // one in the request, one in the answer
        assertThat(ctx.contentFindings().piiTypes()).containsExactly("email");
        assertThat(ctx.contentFindings().flags()).containsExactly("gdpr");
        assertThat(ctx.attributes().get(ResponseGuard.ATTRIBUTE).toString()).isEqualTo("ResponseFindings{email=1}");
    }

    @Test
    void aJsonAnswerIsScannedInItsTextFieldsOnlyAndABlockedTypeLeavesItUnchanged() {
        RequestContext ctx = ctx("llm.chat", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        new TransformLayer(config()).onRequest(ctx);
        ResponseGuard guard = TransformLayer.responseGuard(ctx).orElseThrow();
        JsonNode answer = MAPPER.readTree("""
                {"id":"carol@example.org","choices":[{"index":0,"message":{"role":"assistant","content":"ask carol@example.org"}}]}""");
        assertThat(guard.inspectJson(answer, BodyShape.ANSWER)).isTrue();
        assertThat(answer.toString()).contains("\"id\":\"carol@example.org\"").contains("ask ca*************rg");
        assertThat(guard.blocked()).isFalse();

        JsonNode secret = MAPPER.readTree("""
                {"content":[{"type":"text","text":"key AKIAIOSFODNN7EXAMPLE and dan@example.org"}]}""");
        String before = secret.toString();
        assertThat(guard.inspectJson(secret, BodyShape.ANSWER)).isFalse();
        assertThat(secret.toString()).isEqualTo(before);
        assertThat(guard.blocked()).isTrue();
        assertThat(guard.blockedError().code()).isEqualTo(ErrorCode.CONTENT_BLOCKED);
        assertThat(ctx.contentFindings().labels()).contains("secrets", "pii");
    }

    @Test
    void perRouteSettingsChooseTheEngineByRouteThenGroup() {
        TransformConfig base = TransformConfig.defaults();
        TransformConfig llm = base.withActions(ActionPolicy.all(Action.PLACEHOLDER));
        TransformConfig chat = base.withBlockThreshold(10);
        TransformLayer layer = new TransformLayer(base.withRoutes(Map.of("llm", llm, "llm.chat", chat)));
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"mail bob@example.com\"}]}";

        RequestContext messages = ctx("llm.messages", body);
        assertThat(layer.onRequest(messages).isProceed()).isTrue();
        assertThat(new String(messages.body().bytesToForward(), StandardCharsets.UTF_8)).contains("mail [EMAIL]");

        RequestContext chatCtx = ctx("llm.chat", body);
        assertThat(layer.onRequest(chatCtx).isRejected()).isTrue(); // risk 22 >= 10

        RequestContext proxy = ctx("proxy", body);
        assertThat(layer.onRequest(proxy).isProceed()).isTrue();
        assertThat(proxy.body().isModified()).isFalse();
        assertThat(TransformLayer.responseGuard(proxy)).isEmpty();
    }

    @Test
    void theAnswersTextIsClassifiedIntoTheExchangesLabelsAndRisk() {
        RequestContext ctx = ctx("llm.chat", "{\"messages\":[{\"role\":\"user\",\"content\":\"How is Ann?\"}]}");
        new TransformLayer(config()).onRequest(ctx);
        assertThat(ctx.contentFindings().labels()).isEmpty(); // the request says nothing sensitive
        ResponseGuard guard = TransformLayer.responseGuard(ctx).orElseThrow();
        StreamingRedactor scan = guard.stream();
        for (String chunk : new String[] {"Ann (ann@example.org) was diag", "nosed with diabetes; her ", "code: eval(x)."}) {
            scan.push(chunk);
            guard.record();
        }
        scan.finish();
        guard.record();
        // medical from the text, pii from the email, hipaa from both; an answer showing code is no code injection
        assertThat(ctx.contentFindings().labels()).containsExactly("medical", "pii");
        assertThat(ctx.contentFindings().flags()).contains("hipaa", "gdpr");
        assertThat(ctx.contentFindings().riskScore()).isEqualTo(42); // medical 30 + one more label 10 + one finding 2
    }
}
