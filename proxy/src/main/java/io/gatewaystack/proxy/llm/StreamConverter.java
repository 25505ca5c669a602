package io.gatewaystack.proxy.llm;

import java.util.List;

/**
 * Turns one upstream event stream into the client's, event by event, never holding the answer back: what the
 * server's stream relay needs, whatever the two APIs are ({@link StreamTranslator} for chat ⇄ messages,
 * {@link ResponsesStreamTranslator} for the Responses API). Not thread-safe: one per stream.
 */
public interface StreamConverter {

    /** The client events for one upstream event (often one, sometimes none or several). */
    List<SseEvent> translate(SseEvent upstreamEvent);

    /** The events that close the client's stream if the upstream did not; call once, at the end. */
    List<SseEvent> finish();

    /** The usage reported so far ({@link TokenUsage#NONE} if none yet). */
    TokenUsage usage();

    /** True once the upstream sent model output: the time-to-first-token mark. */
    boolean sawFirstContent();
}
