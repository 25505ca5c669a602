package io.gatewaystack.server.config;

import io.gatewaystack.audit.auth0.Auth0DcrPromoter;

/**
 * The Auth0 log-stream webhook ({@code POST /webhooks/auth0/logs}, docs/layers/audit.md): on when
 * {@code AUTH0_LOG_WEBHOOK_SECRET} is set.
 *
 * @param secret   what Auth0 sends as {@code Authorization: Bearer <secret>} (the log stream's authorization token)
 * @param promoter the Management API client that promotes dynamically registered clients
 */
public record Auth0WebhookSettings(String secret, Auth0DcrPromoter.Settings promoter) {

    @Override
    public String toString() {
        return "Auth0WebhookSettings[" + promoter.managementUrl() + "]"; // never the secrets
    }
}
