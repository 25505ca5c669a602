package io.gatewaystack.server.llm;

import io.gatewaystack.proxy.upstream.UpstreamAuth;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The LLM gateway's configuration: providers (where models live and how to authenticate to them) and models
 * (the names clients use, each an ordered list of provider targets: failover goes down the list).
 *
 * @param providers      by name
 * @param models         by the name clients send; an alias simply names targets of another model name
 * @param maxAttempts    how many targets one request may try (retryable failures only: connect errors, 429, 5xx,
 *                       and only before the first byte was sent to the client)
 * @param retries        extra attempts on the same target after a 5xx or a refused/broken connection (not after a
 *                       429 or a timeout), each after twice the previous pause, before moving to the next target
 * @param backoff        pause before trying the next target (and the first retry)
 * @param breakerFailures consecutive failures that open a target's circuit breaker
 * @param breakerOpen    how long an open breaker skips its target
 * @param sensitiveLabels content labels (from the transform layer) that may only go to providers whose data policy
 *                       is {@code zero_retention} or {@code internal}
 * @param maxResponseBytes the largest non-streamed upstream answer accepted
 * @param maxConnections  open connections per provider host and event loop: a stream holds one for its whole
 *                       length, so this bounds the concurrent streams per provider (beyond it, calls wait for one)
 */
public record LlmSettings(
        Map<String, Provider> providers,
        Map<String, ModelRoute> models,
        int maxAttempts,
        int retries,
        Duration backoff,
        int breakerFailures,
        Duration breakerOpen,
        List<String> sensitiveLabels,
        long maxResponseBytes,
        int maxConnections) {

    public LlmSettings {
        providers = Map.copyOf(providers);
        models = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(models));
        sensitiveLabels = List.copyOf(sensitiveLabels);
    }

    public boolean enabled() {
        return !models.isEmpty();
    }

    /** The API a provider speaks. Azure, Gemini's OpenAI endpoint, vLLM, Ollama and LM Studio speak OpenAI's. */
    public enum Kind {
        OPENAI, ANTHROPIC, AZURE_OPENAI, GEMINI, OPENAI_COMPATIBLE;

        public boolean speaksAnthropic() {
            return this == ANTHROPIC;
        }
    }

    /**
     * One upstream provider.
     *
     * @param name         its name in the config
     * @param kind         which API it speaks
     * @param baseUrl      e.g. {@code https://api.openai.com/v1}; paths {@code /chat/completions}, {@code /messages},
     *                     {@code /embeddings} are appended (Azure: the deployment URL, {@code api-version} added)
     * @param auth         how the gateway authenticates: an API key (from an environment variable or a file, never
     *                     from the client), the client's bearer token, a client-credentials token, an RFC 8693
     *                     exchanged on-behalf-of token, or none
     * @param dataPolicy   {@code standard}, {@code zero_retention} or {@code internal}: what sensitive content may go there
     * @param timeout      how long the provider may stay silent (before the first byte and between chunks)
     * @param allowPrivate whether the provider may be on loopback or a private network (local model servers, the demo)
     * @param apiVersion   Azure's {@code api-version}, else null
     * @param nativeResponses whether {@code POST /v1/responses} goes to the provider's own {@code /responses}
     *                     (OpenAI-format providers only); false translates it to chat completions
     */
    public record Provider(String name, Kind kind, URI baseUrl, UpstreamAuth auth, String dataPolicy, Duration timeout,
                           boolean allowPrivate, String apiVersion, boolean nativeResponses) {

        public boolean mayReceiveSensitiveContent() {
            return "zero_retention".equals(dataPolicy) || "internal".equals(dataPolicy);
        }
    }

    /**
     * One concrete place a model name can be served: a provider and the model name it knows.
     *
     * @param weight its share of first attempts when its route balances by weight (≥ 1; ignored otherwise)
     */
    public record Target(String provider, String model, int weight) {

        public Target {
            if (weight < 1) {
                throw new IllegalArgumentException("a target's weight must be at least 1");
            }
        }

        public Target(String provider, String model) {
            this(provider, model, 1);
        }

        @Override
        public String toString() {
            return provider + "/" + model;
        }
    }

    /** How a route orders its targets for one request. */
    public enum Balance {
        /** Always the configured order: the first target takes everything, the others are failover. */
        ORDERED,
        /**
         * A weighted random order per request: each target comes first with probability weight / total weight,
         * and the rest follow in weighted random order, so failover still reaches every target.
         */
        WEIGHTED
    }

    /** A model name clients use, with its targets (in failover order unless balanced by weight). */
    public record ModelRoute(String name, List<Target> targets, Balance balance) {
        public ModelRoute {
            targets = List.copyOf(targets);
        }

        public ModelRoute(String name, List<Target> targets) {
            this(name, targets, Balance.ORDERED);
        }

        /** The targets in the order this request tries them. */
        public List<Target> attemptOrder() {
            return balance == Balance.ORDERED || targets.size() < 2 ? targets
                    : WeightedOrder.of(targets, java.util.concurrent.ThreadLocalRandom.current());
        }
    }
}
