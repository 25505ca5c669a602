/**
 * The policy layer (the seed's "validatabl"): decides allow, deny or modify from identity, resource and content, deny by default. Filled by the policy issue; nothing here runs yet (per-route scope checks live in the identity module).
 */
package io.gatewaystack.policy;
