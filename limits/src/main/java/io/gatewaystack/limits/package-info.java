/**
 * The limits layer (the seed's "limitabl"): rate, token and money limits with pre-flight reservation and accounting. Filled by the limits issue; nothing here runs yet.
 */
package io.gatewaystack.limits;
