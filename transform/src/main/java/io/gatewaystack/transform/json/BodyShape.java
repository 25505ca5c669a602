package io.gatewaystack.transform.json;

/** Which fields of a JSON body hold text to scan. Structure, numbers, ids and model names are never touched. */
public enum BodyShape {
    /** Pick by the body: {@code jsonrpc} → MCP, {@code messages}/{@code system}/{@code prompt} → CHAT, {@code input} → RESPONSES, else ANY_JSON. */
    AUTO,
    /**
     * OpenAI chat completions and Anthropic messages: {@code system} (string or text blocks),
     * {@code messages[].content} (string, or parts/blocks with {@code text}; Anthropic {@code tool_result} content and
     * {@code tool_use} input), OpenAI {@code tool_calls[].function.arguments}, legacy {@code prompt}.
     */
    CHAT,
    /**
     * OpenAI responses: {@code instructions}, {@code input} as a string, or items with {@code content} (string or
     * parts with {@code text}) or {@code output}. Also covers embeddings ({@code input} string or array of strings).
     */
    RESPONSES,
    /** Embeddings: {@code input} as a string or an array of strings (token arrays are skipped). */
    EMBEDDINGS,
    /** MCP {@code tools/call}: every string leaf of {@code params.arguments}; in a result, {@code result.content[].text}. */
    MCP_TOOLS_CALL,
    /**
     * A model's answer: OpenAI chat completions ({@code choices[].message.content} and tool call arguments,
     * legacy {@code choices[].text}), Anthropic messages ({@code content[]} text blocks and tool_use input),
     * OpenAI responses ({@code output[]} content parts, arguments, {@code output_text}).
     */
    ANSWER,
    /** Every string leaf anywhere (for /proxy and /tools bodies of unknown shape). Object keys are not scanned. */
    ANY_JSON;

    public static BodyShape parse(String value) {
        return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
}
