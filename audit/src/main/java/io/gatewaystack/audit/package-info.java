/**
 * The audit layer (the seed's "explicabl"): read-only on the request context, write-only to its sinks, off the
 * request's critical path. For now a JSON-lines access log; the audit issue adds the tamper-evident trail.
 */
package io.gatewaystack.audit;
