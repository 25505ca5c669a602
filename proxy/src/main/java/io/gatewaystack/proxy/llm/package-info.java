/**
 * The LLM gateway's wire formats: OpenAI Chat Completions ⇄ Anthropic Messages translation of requests, responses,
 * errors ({@link io.gatewaystack.proxy.llm.Translation}) and streams ({@link io.gatewaystack.proxy.llm.SseParser},
 * {@link io.gatewaystack.proxy.llm.StreamTranslator}), with the token usage each reports
 * ({@link io.gatewaystack.proxy.llm.TokenUsage}). HTTP-server independent: the server module does the I/O.
 */
package io.gatewaystack.proxy.llm;
