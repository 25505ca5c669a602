package io.gatewaystack.audit;

import io.gatewaystack.core.Layer;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Verdict;

/**
 * The minimal audit layer (explicabl): one JSON line per request, written off the request path.
 *
 * <p>Put it first in every chain: its completion phase then runs last (completion runs in reverse), after every
 * other layer has recorded its decisions, and it sees requests that an early layer rejected.
 */
public final class AccessLogLayer implements Layer {

    private final AccessLogWriter writer;

    public AccessLogLayer(AccessLogWriter writer) {
        this.writer = writer;
    }

    @Override
    public String name() {
        return "audit";
    }

    @Override
    public Verdict onRequest(RequestContext context) {
        return Verdict.proceed();
    }

    @Override
    public void onComplete(RequestContext context) {
        writer.submit(AccessRecord.of(context));
    }
}
