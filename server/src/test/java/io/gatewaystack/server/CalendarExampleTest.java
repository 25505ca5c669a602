package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.examples.calendar.CalendarBackend;
import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seed's calendar example: a backend that trusts {@code X-User-Id}. Through the gateway, alice sees her
 * events and never bob's, whatever header she sends.
 */
class CalendarExampleTest {

    static Vertx vertx;
    static TestIssuer issuer;
    static CalendarBackend calendar;
    static TestGateway gateway;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        issuer = new TestIssuer();
        calendar = new CalendarBackend(0);
        gateway = TestGateway.start(vertx, TestGateway.yaml(issuer, "http://127.0.0.1:" + calendar.port(), ""));
        http = new Http(vertx);
    }

    @AfterAll
    static void stop() {
        http.close();
        gateway.close();
        calendar.close();
        issuer.close();
        vertx.close();
    }

    @Test
    void aliceCannotReadBobsCalendarEvenWhenSheClaimsToBeBob() {
        String alice = issuer.token("alice", Map.of());
        Http.Response spoofed = http.get(gateway.url("/proxy/events"), "Authorization", "Bearer " + alice, "X-User-Id", "bob");
        assertThat(spoofed.status()).isEqualTo(200);
        assertThat(spoofed.json().get("user").asString()).isEqualTo("alice");
        assertThat(spoofed.body()).contains("Dentist 09:00").doesNotContain("Salary review");

        String bob = issuer.token("bob", Map.of());
        Http.Response bobs = http.get(gateway.url("/proxy/events"), "Authorization", "Bearer " + bob);
        assertThat(bobs.body()).contains("Salary review").doesNotContain("Dentist");
    }

    @Test
    void withoutATokenNobodyReachesTheCalendar() {
        Http.Response r = http.get(gateway.url("/proxy/events"), "X-User-Id", "bob");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).doesNotContain("Salary");
    }
}
