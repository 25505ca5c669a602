package io.gatewaystack.proxy.llm;

/**
 * A request uses a feature the chosen provider's API has no counterpart for (e.g. {@code previous_response_id}
 * towards a provider reached through translation). The gateway answers 400 with this message rather than silently
 * dropping something the client relies on.
 */
public final class UntranslatableRequestException extends IllegalArgumentException {

    private final String feature;

    public UntranslatableRequestException(String feature) {
        super(feature + " cannot be translated for this model's provider (it needs a provider that speaks the Responses API natively)");
        this.feature = feature;
    }

    /** What could not be translated, e.g. {@code previous_response_id}. */
    public String feature() {
        return feature;
    }
}
