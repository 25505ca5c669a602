package io.gatewaystack.audit;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh schema on a real PostgreSQL server for one test: {@code DATABASE_URL} (default the local trust-auth
 * server, database {@code test}). When none is reachable the test is skipped with a loud message, except under
 * {@code GATEWAYSTACK_REQUIRE_POSTGRES=1} (CI starts PostgreSQL), where that is a failure. Closing drops the schema.
 */
public final class PostgresSchema implements AutoCloseable {

    private final String baseUrl;
    private final String name;

    private PostgresSchema(String baseUrl, String name) {
        this.baseUrl = baseUrl;
        this.name = name;
    }

    /** {@code DATABASE_URL}, or the local server. */
    public static String databaseUrl() {
        String env = System.getenv("DATABASE_URL");
        return env == null || env.isBlank() ? "jdbc:postgresql://127.0.0.1:5432/test?user=postgres" : env;
    }

    /** Creates {@code <prefix>_<unique>}, or skips (fails under CI) the calling test when there is no server. */
    public static PostgresSchema create(String prefix) {
        String baseUrl = databaseUrl();
        String name = prefix + "_" + Long.toString(System.nanoTime(), 36);
        Properties p = new Properties();
        p.setProperty("connectTimeout", "3");
        try (Connection c = DriverManager.getConnection(baseUrl, p); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + name);
        } catch (Exception e) {
            String msg = "PostgreSQL is not reachable at " + baseUrl.replaceAll("(?i)(password=)[^&]*", "$1***") + ": " + e;
            if ("1".equals(System.getenv("GATEWAYSTACK_REQUIRE_POSTGRES"))) {
                fail("GATEWAYSTACK_REQUIRE_POSTGRES=1 but " + msg);
            }
            System.err.println("\n!!!!! SKIPPING PostgreSQL tests: " + msg + " !!!!!\n");
            Assumptions.abort(msg);
        }
        return new PostgresSchema(baseUrl, name);
    }

    /** The server's URL without a schema. */
    public String baseUrl() {
        return baseUrl;
    }

    public String name() {
        return name;
    }

    /** The URL whose connections work in this schema. */
    public String url() {
        return withParameter(baseUrl, "currentSchema=" + name);
    }

    /** {@code url} with one more query parameter. */
    public static String withParameter(String url, String parameter) {
        return url + (url.contains("?") ? "&" : "?") + parameter;
    }

    @Override
    public void close() throws Exception {
        try (Connection c = DriverManager.getConnection(baseUrl); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA " + name + " CASCADE");
        }
    }
}
