package io.gatewaystack.limits.budget;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import tools.jackson.databind.JsonNode;

import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Counts the prompt tokens of an LLM request body for the budget pre-flight, with OpenAI's real BPE encodings
 * (jtokkit): o200k for the GPT-4o, GPT-4.1, GPT-5 and o-series families, cl100k for older GPT-4/3.5 and the
 * embedding models.
 *
 * <p>Other providers publish no tokenizer that runs here, so for them the o200k count is multiplied by
 * {@link #FOREIGN_FACTOR}: an upper estimate (Claude's and Gemini's tokenizers produce somewhat more tokens than
 * o200k for the same text, rarely 30% more). The count is a reservation, settled to the provider's reported usage
 * afterwards, so erring high only holds budget a little longer.
 *
 * <p>What is counted: every text under {@code messages}, {@code system}, {@code input}, {@code prompt} and
 * {@code instructions} (string or multi-part content, tool-call arguments), the JSON of {@code tools}/
 * {@code functions} (tool schemas are part of the prompt), {@link #PER_MESSAGE} tokens of framing per message, and
 * {@link #PER_IMAGE} per image part. Encodings are loaded once and are thread-safe.
 *
 * <p>Counts of texts of {@link TokenCountCache#MIN_CHARS} characters or more are cached by their SHA-256
 * ({@link TokenCountCache}), so the history a multi-turn conversation resends (system prompt, earlier messages,
 * tool schemas) is counted once, not on every call.
 */
public final class TokenCounter {

    /** The multiplier for models without a local tokenizer. */
    public static final double FOREIGN_FACTOR = 1.3;
    /** Framing tokens per chat message (role, separators), as OpenAI's cookbook counts them. */
    public static final int PER_MESSAGE = 4;
    /** A flat estimate for an image part (a high-detail 1024x1024 image is about 765 tokens at OpenAI). */
    public static final int PER_IMAGE = 1_500;

    private static final Map<String, Boolean> PROMPT_FIELDS = Map.of(
            "messages", true, "system", true, "input", true, "prompt", true, "instructions", true);

    /** Cached text counts by default: at about 150 bytes an entry, some 1.5 MB. */
    public static final int DEFAULT_CACHE_ENTRIES = 10_000;

    private final Encoding o200k;
    private final Encoding cl100k;
    private final TokenCountCache cache;
    private final ToLongFunction<String> o200kCount;
    private final ToLongFunction<String> cl100kCount;

    public TokenCounter() {
        this(DEFAULT_CACHE_ENTRIES);
    }

    /** @param cacheEntries how many text counts to keep for reuse; 0 counts every text every time */
    public TokenCounter(int cacheEntries) {
        EncodingRegistry registry = Encodings.newLazyEncodingRegistry();
        this.o200k = registry.getEncoding(EncodingType.O200K_BASE);
        this.cl100k = registry.getEncoding(EncodingType.CL100K_BASE);
        this.cache = new TokenCountCache(cacheEntries);
        this.o200kCount = o200k::countTokensOrdinary;
        this.cl100kCount = cl100k::countTokensOrdinary;
    }

    /** The prompt tokens of {@code body} for {@code model} (the provider's model name), an upper estimate. */
    public long promptTokens(JsonNode body, String model) {
        return prompt(body).tokensFor(model);
    }

    /**
     * One request's prompt, to be counted for several models (a model's failover targets): each encoding is run
     * over the body at most once, however many models ask.
     */
    public Prompt prompt(JsonNode body) {
        return new Prompt(body);
    }

    /** A request body whose token counts are computed on first use, once per encoding. */
    public final class Prompt {
        private final JsonNode body;
        private long o200kTokens = -1;
        private long cl100kTokens = -1;

        private Prompt(JsonNode body) {
            this.body = body;
        }

        /** The prompt tokens for {@code model} (the provider's model name), an upper estimate. */
        public long tokensFor(String model) {
            Family family = familyOf(model);
            if (family == Family.CL100K) {
                if (cl100kTokens < 0) {
                    cl100kTokens = count(body, cl100k);
                }
                return cl100kTokens;
            }
            if (o200kTokens < 0) {
                o200kTokens = count(body, o200k);
            }
            return family == Family.FOREIGN ? (long) Math.ceil(o200kTokens * FOREIGN_FACTOR) : o200kTokens;
        }
    }

    private long count(JsonNode body, Encoding encoding) {
        if (body == null || !body.isObject()) {
            return 0;
        }
        long[] count = {0};
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            String name = field.getKey();
            if (PROMPT_FIELDS.containsKey(name)) {
                walk(field.getValue(), encoding, count, name.equals("messages"));
            } else if (name.equals("tools") || name.equals("functions")) {
                count[0] += tokens(field.getValue().toString(), encoding);
            }
        }
        return count[0] + 3; // every reply is primed with a few tokens
    }

    /** The tokens of a plain text for {@code model}. */
    public long textTokens(String text, String model) {
        Family family = familyOf(model);
        long n = tokens(text, family == Family.CL100K ? cl100k : o200k);
        return family == Family.FOREIGN ? (long) Math.ceil(n * FOREIGN_FACTOR) : n;
    }

    /** One text's count under one encoding, through the cache. */
    private long tokens(String text, Encoding encoding) {
        return encoding == o200k ? cache.count(text, 0, o200kCount) : cache.count(text, 1, cl100kCount);
    }

    private void walk(JsonNode node, Encoding encoding, long[] count, boolean messageList) {
        if (node.isString()) {
            count[0] += tokens(node.asString(), encoding);
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                if (messageList) {
                    count[0] += PER_MESSAGE;
                }
                walk(item, encoding, count, false);
            }
        } else if (node.isObject()) {
            String type = node.path("type").asString("");
            if (type.equals("image_url") || type.equals("image") || type.equals("input_image")) {
                count[0] += PER_IMAGE;
                return;
            }
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                JsonNode value = field.getValue();
                if (field.getKey().equals("type") || field.getKey().equals("role")) {
                    continue; // framing, already in PER_MESSAGE
                }
                walk(value, encoding, count, false);
            }
        }
    }

    enum Family { O200K, CL100K, FOREIGN }

    static Family familyOf(String model) {
        String m = model == null ? "" : model.toLowerCase(Locale.ROOT);
        int slash = m.lastIndexOf('/');
        if (slash >= 0) {
            m = m.substring(slash + 1); // "openai/gpt-4o" as some OpenAI-compatible routers name it
        }
        if (m.startsWith("gpt-4o") || m.startsWith("gpt-4.1") || m.startsWith("gpt-5") || m.startsWith("o1")
                || m.startsWith("o3") || m.startsWith("o4") || m.startsWith("chatgpt-")) {
            return Family.O200K;
        }
        if (m.startsWith("gpt-4") || m.startsWith("gpt-3.5") || m.startsWith("text-embedding-")) {
            return Family.CL100K;
        }
        return Family.FOREIGN;
    }
}
