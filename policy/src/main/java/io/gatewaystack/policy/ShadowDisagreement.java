package io.gatewaystack.policy;

/**
 * The candidate policy decided differently from the live one for a request (a different effect, or different
 * modifications). Only the live decision affected the response.
 *
 * @param requestId the request's id
 * @param subject   the caller's sub, or null
 * @param live      what the live set decided (and enforced)
 * @param candidate what the candidate set would have decided
 */
public record ShadowDisagreement(String requestId, String subject, Decision live, Decision candidate) {
}
