package io.gatewaystack.core;

import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.json.JsonMapper;

/**
 * Jackson mappers for the request path.
 *
 * <p>Jackson 3 shares its parser buffers through a concurrent deque by default; on a few long-lived event-loop
 * threads a per-thread pool hands the same buffers back without the deque's compare-and-swap traffic, which showed
 * in the request path's profiles.
 */
public final class JsonMappers {

    private JsonMappers() {
    }

    /** A new mapper whose buffer recycling is per thread: for code that runs on event loops. */
    public static JsonMapper forRequestPath() {
        return JsonMapper.builder(JsonFactory.builder().recyclerPool(JsonRecyclerPools.threadLocalPool()).build())
                .build();
    }
}
