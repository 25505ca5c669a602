package io.gatewaystack.server;

import java.util.Map;

/** The test issuer for tests in other packages. */
public final class TestIssuerAccess implements AutoCloseable {

    private final TestIssuer issuer;

    public TestIssuerAccess() throws Exception {
        this.issuer = new TestIssuer();
    }

    public String issuer() {
        return issuer.issuer();
    }

    public String audience() {
        return TestIssuer.AUDIENCE;
    }

    public String jwksUri() {
        return issuer.jwksUri();
    }

    public String token(String sub, Map<String, Object> claims) {
        return issuer.token(sub, claims);
    }

    @Override
    public void close() {
        issuer.close();
    }
}
