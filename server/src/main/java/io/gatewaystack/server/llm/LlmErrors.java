package io.gatewaystack.server.llm;

import io.gatewaystack.proxy.llm.ApiFormat;
import io.gatewaystack.proxy.llm.Translation;
import io.gatewaystack.server.http.ErrorResponder;

/** Errors on LLM routes take the shape the client's SDK parses (OpenAI's or Anthropic's), with our code. */
public final class LlmErrors {

    private LlmErrors() {
    }

    public static ErrorResponder shaped(ErrorResponder errors, ApiFormat format) {
        Translation translation = new Translation();
        return errors.withBodyShape((e, ctx) -> translation.error(e.status(), e.code().code(), e.description(), format));
    }
}
