package io.gatewaystack.proxy.llm;

/** The two wire formats of LLM APIs the gateway speaks, towards clients and towards providers. */
public enum ApiFormat {
    /** OpenAI Chat Completions: {@code POST /v1/chat/completions} (also Azure OpenAI, Gemini's compatible endpoint, vLLM, Ollama...). */
    OPENAI_CHAT,
    /** Anthropic Messages: {@code POST /v1/messages}. */
    ANTHROPIC_MESSAGES
}
