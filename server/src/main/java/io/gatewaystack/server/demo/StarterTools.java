package io.gatewaystack.server.demo;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.gatewaystack.mcp.JsonRpc;
import io.gatewaystack.mcp.ToolDefinition;
import io.gatewaystack.server.http.BodyReader;
import io.gatewaystack.server.http.Ports;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The starter's demo tools backend (127.0.0.1, behind the gateway): {@code POST /{tool}} with the arguments as
 * JSON. Tools: {@code whoami}, {@code echo}, user-scoped notes ({@code seedMyNotes}, {@code listMyNotes},
 * {@code addNote}) and a CRM ({@code crmInit}, {@code crmGetSalesSummary}, {@code crmExplainAccess},
 * {@code crmAttemptCrossUserRead}) on SQLite.
 *
 * <p>Who is calling comes only from the gateway's signed {@code X-Gateway-Identity} assertion (ES256, verified
 * against the gateway's JWKS, algorithm pinned, expiry checked, issuer and audience when given); plain identity
 * headers such as {@code X-User-Id} are ignored. No assertion or a bad one: 401. The assertion's scopes are checked
 * again per tool (defence in depth): 403.
 *
 * <p>Data isolation: rows are keyed by {@code user_key = hex(HMAC-SHA256(secret, sub))}; no sub, e-mail or name is
 * stored, and no tool takes a user id — {@code crmAttemptCrossUserRead} is always refused (403). The secret is
 * required: the backend refuses to start without one. SQLite and the signature check run on worker threads,
 * never on the event loop.
 */
public final class StarterTools {

    public static final String SCOPE_WHOAMI = "starter.whoami";
    public static final String SCOPE_ECHO = "starter.echo";
    public static final String SCOPE_NOTES = "starter.notes";
    public static final String SCOPE_CRM = "starter.crm";

    private static final String[] ACCOUNTS = {"Acme Corp", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries"};
    private static final String[] STAGES = {"won", "lost", "open"};

    private final Vertx vertx;
    private volatile String deploymentId;
    private final int port;
    private final Connection db;
    private final Path dbFile;
    private final DefaultJWTProcessor<SecurityContext> assertions;
    /**
     * Assertions already verified, by their exact text, until their {@code exp}: the gateway reuses one signed
     * assertion per user for a while, so most calls skip the ES256 check. Bounded; cleared when full.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, JWTClaimsSet> verified = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_VERIFIED = 10_000;
    private final SecretKeySpec userKeySecret;
    private final ThreadLocal<Mac> userKeyMacs = new ThreadLocal<>();

    private StarterTools(Vertx vertx, int port, Connection db, Path dbFile,
                         DefaultJWTProcessor<SecurityContext> assertions, SecretKeySpec userKeySecret) {
        this.vertx = vertx;
        this.port = port;
        this.db = db;
        this.dbFile = dbFile;
        this.assertions = assertions;
        this.userKeySecret = userKeySecret;
    }

    /** Starts with assertions checked for signature, algorithm and expiry (any issuer and audience). Blocking. */
    public static StarterTools start(Vertx vertx, int port, String jwksJson, String secret) throws Exception {
        return start(vertx, port, jwksJson, secret, null, null);
    }

    /**
     * Starts on 127.0.0.1 at {@code port} (0 picks a free one), with a fresh SQLite file in a temp folder. Blocking.
     *
     * @param jwksJson         the gateway's public JWKS ({@code IdentityAssertionSigner.publicJwksJson()}, or the
     *                         document at {@code /.well-known/gateway-jwks.json})
     * @param secret           the HMAC secret that derives per-user keys; required (at least 16 characters)
     * @param expectedIssuer   the assertions' {@code iss} to require, or null
     * @param expectedAudience the assertions' {@code aud} to require, or null
     * @throws IllegalArgumentException without a secret or with an unusable JWKS
     */
    public static StarterTools start(Vertx vertx, int port, String jwksJson, String secret, String expectedIssuer,
                                     String expectedAudience) throws Exception {
        if (secret == null || secret.isBlank() || secret.length() < 16) {
            throw new IllegalArgumentException("the starter tools need a secret of at least 16 characters to derive per-user keys");
        }
        JWKSet jwks;
        try {
            jwks = JWKSet.parse(jwksJson);
        } catch (java.text.ParseException | RuntimeException e) {
            throw new IllegalArgumentException("the gateway JWKS is not valid: " + e.getMessage(), e);
        }
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, new ImmutableJWKSet<>(jwks)));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (expectedIssuer != null) {
            exact.issuer(expectedIssuer);
        }
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                expectedAudience, exact.build(), Set.of("sub", "exp", "iat"));
        claims.setMaxClockSkew(30);
        processor.setJWTClaimsSetVerifier(claims);

        Path dir = Files.createTempDirectory("gatewaystack-starter-");
        Path file = dir.resolve("crm.sqlite");
        Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = db.createStatement()) {
            s.executeUpdate("PRAGMA journal_mode=WAL");
            s.executeUpdate("CREATE TABLE IF NOT EXISTS users (user_key TEXT PRIMARY KEY, created_at TEXT NOT NULL)");
            s.executeUpdate("CREATE TABLE IF NOT EXISTS deals (id TEXT PRIMARY KEY, user_key TEXT NOT NULL, account TEXT NOT NULL,"
                    + " amount_cents INTEGER NOT NULL, close_date TEXT NOT NULL, stage TEXT NOT NULL, created_at TEXT NOT NULL)");
            s.executeUpdate("CREATE INDEX IF NOT EXISTS deals_user_date ON deals(user_key, close_date)");
            s.executeUpdate("CREATE INDEX IF NOT EXISTS deals_user_stage ON deals(user_key, stage)");
            s.executeUpdate("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY AUTOINCREMENT, user_key TEXT NOT NULL,"
                    + " text TEXT NOT NULL, created_at TEXT NOT NULL)");
        }
        int actual = port == 0 ? Ports.free() : port;
        StarterTools tools = new StarterTools(vertx, actual, db, file, processor,
                new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        tools.deploymentId = LoopbackServers.start(vertx, actual, tools::handle);
        return tools;
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:port}: the base URL the tool definitions point at. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Future<Void> close() {
        return vertx.undeploy(deploymentId).andThen(ar -> {
            synchronized (db) {
                try {
                    db.close();
                } catch (SQLException ignored) {
                    // closing anyway
                }
            }
        });
    }

    Path databaseFile() {
        return dbFile;
    }

    // ------------------------------------------------------------------------------------------ tool definitions

    /** The tools as the gateway registers them, each POSTed to {@code baseUrl + "/" + name}. */
    public static List<ToolDefinition> definitions(String baseUrl) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        Duration timeout = Duration.ofSeconds(10);
        List<ToolDefinition> out = new ArrayList<>();
        out.add(def(base, "whoami", "Who am I", "Shows your identity as the tool backend sees it (from the gateway's signed assertion).",
                "{}", List.of(), SCOPE_WHOAMI, timeout));
        out.add(def(base, "echo", "Echo", "Echoes a message back.",
                "{\"message\":{\"type\":\"string\",\"description\":\"What to echo.\"}}", List.of("message"), SCOPE_ECHO, timeout));
        out.add(def(base, "seedMyNotes", "Seed my notes", "Adds a few sample notes to your own notes.",
                "{\"count\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":20,\"description\":\"How many (default 3).\"}}",
                List.of(), SCOPE_NOTES, timeout));
        out.add(def(base, "listMyNotes", "List my notes", "Lists your notes (only yours).", "{}", List.of(), SCOPE_NOTES, timeout));
        out.add(def(base, "addNote", "Add a note", "Adds a note to your notes.",
                "{\"text\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":2000}}", List.of("text"), SCOPE_NOTES, timeout));
        out.add(def(base, "crmInit", "Set up my CRM", "Creates your private demo CRM data (idempotent).", "{}", List.of(), SCOPE_CRM, timeout));
        out.add(def(base, "crmGetSalesSummary", "Sales summary", "Won deals and revenue in a quarter of your CRM data.",
                "{\"year\":{\"type\":\"integer\",\"minimum\":2000,\"maximum\":2100},\"quarter\":{\"type\":\"integer\",\"enum\":[1,2,3,4]}}",
                List.of("year", "quarter"), SCOPE_CRM, timeout));
        out.add(def(base, "crmExplainAccess", "Explain CRM access", "Explains how your CRM data is isolated from other users'.",
                "{}", List.of(), SCOPE_CRM, timeout));
        out.add(def(base, "crmAttemptCrossUserRead", "Try reading another user's CRM",
                "Tries to read another user's CRM data; the backend always refuses.",
                "{\"targetUser\":{\"type\":\"string\",\"minLength\":1}}", List.of("targetUser"), SCOPE_CRM, timeout));
        return List.copyOf(out);
    }

    private static ToolDefinition def(String base, String name, String title, String description, String properties,
                                      List<String> required, String scope, Duration timeout) {
        ObjectNode schema = JsonRpc.MAPPER.createObjectNode();
        schema.put("type", "object");
        schema.set("properties", JsonRpc.MAPPER.readTree(properties));
        if (!required.isEmpty()) {
            ArrayNode r = schema.putArray("required");
            required.forEach(r::add);
        }
        schema.put("additionalProperties", false);
        return new ToolDefinition(name, title, description, schema, List.of(scope), base + "/" + name, timeout);
    }

    private static String scopeOf(String tool) {
        return switch (tool) {
            case "whoami" -> SCOPE_WHOAMI;
            case "echo" -> SCOPE_ECHO;
            case "seedMyNotes", "listMyNotes", "addNote" -> SCOPE_NOTES;
            case "crmInit", "crmGetSalesSummary", "crmExplainAccess", "crmAttemptCrossUserRead" -> SCOPE_CRM;
            default -> null;
        };
    }

    // ------------------------------------------------------------------------------------------ HTTP

    /** An answer: status and JSON body. */
    private record Answer(int status, ObjectNode body) {
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        String tool = path.length() > 1 ? path.substring(1) : "";
        if ("/health".equals(path)) {
            ObjectNode ok = JsonRpc.MAPPER.createObjectNode().put("ok", true).put("service", "starter-tools");
            send(request, new Answer(200, ok));
            return;
        }
        if (request.method() != io.vertx.core.http.HttpMethod.POST) {
            send(request, error(405, "method_not_allowed", "Use POST /{tool}."));
            return;
        }
        String assertion = request.getHeader("X-Gateway-Identity");
        String requestId = request.getHeader("X-Request-Id");
        BodyReader.read(request, 64 * 1024).onComplete(read -> {
            if (read.failed()) {
                send(request, error(413, "payload_too_large", "The arguments are too large."));
                return;
            }
            Buffer body = read.result();
            if (!usesDatabase(tool)) { // echo and whoami block on nothing: answered on the event loop, no hop
                Answer answer;
                try {
                    answer = call(tool, assertion, body, requestId);
                } catch (Exception e) {
                    answer = error(500, "internal_error", "The tool failed.");
                }
                send(request, answer);
                return;
            }
            vertx.executeBlocking(() -> call(tool, assertion, body, requestId), false).onComplete(done -> {
                if (done.failed()) {
                    send(request, error(500, "internal_error", "The tool failed."));
                } else {
                    send(request, done.result());
                }
            });
        });
    }

    /** The tools that read or write the SQLite database, and so run on a worker thread. */
    private static boolean usesDatabase(String tool) {
        return !tool.equals("echo") && !tool.equals("whoami");
    }

    private static void send(HttpServerRequest request, Answer answer) {
        request.response().setStatusCode(answer.status()).putHeader("Content-Type", "application/json")
                .end(Buffer.buffer(JsonRpc.MAPPER.writeValueAsBytes(answer.body())));
    }

    private static Answer error(int status, String code, String message) {
        ObjectNode o = JsonRpc.MAPPER.createObjectNode();
        o.put("ok", false);
        o.put("error", code);
        o.put("message", message);
        return new Answer(status, o);
    }

    /** Runs on a worker: verify the caller, then the tool. */
    private Answer call(String tool, String assertion, Buffer body, String requestId) throws Exception {
        String scope = scopeOf(tool);
        if (scope == null) {
            Answer unknown = error(404, "unknown_tool", "No such tool.");
            unknown.body().put("toolName", tool.length() > 100 ? tool.substring(0, 100) : tool);
            return unknown;
        }
        if (assertion == null || assertion.isBlank()) {
            return error(401, "missing_identity_assertion", "The gateway's signed identity assertion (X-Gateway-Identity) is required.");
        }
        JWTClaimsSet claims = verified.get(assertion);
        if (claims == null || claims.getExpirationTime() == null
                || !claims.getExpirationTime().toInstant().isAfter(java.time.Instant.now())) {
            try {
                claims = assertions.process(assertion, null);
            } catch (Exception e) {
                verified.remove(assertion);
                return error(401, "invalid_identity_assertion", "The identity assertion could not be verified.");
            }
            if (verified.size() >= MAX_VERIFIED) {
                verified.clear();
            }
            verified.put(assertion, claims);
        }
        String sub = claims.getSubject();
        String scopeClaim = claims.getClaim("scope") instanceof String s ? s : "";
        List<String> scopes = List.of(scopeClaim.isBlank() ? new String[0] : scopeClaim.trim().split("\\s+"));
        if (!scopes.contains(scope)) {
            Answer denied = error(403, "insufficient_scope", "This tool requires the scope " + scope + ".");
            denied.body().put("required_scope", scope);
            return denied;
        }
        JsonNode args;
        try {
            args = body.length() == 0 ? JsonRpc.MAPPER.createObjectNode() : JsonRpc.MAPPER.readTree(body.getBytes());
        } catch (RuntimeException e) {
            return error(400, "invalid_json", "The arguments must be a JSON object.");
        }
        if (args == null || !args.isObject()) {
            return error(400, "invalid_json", "The arguments must be a JSON object.");
        }
        String userKey = userKey(sub);
        return switch (tool) {
            case "whoami" -> whoami(claims, scopes, userKey, requestId);
            case "echo" -> echo(args);
            case "seedMyNotes" -> seedNotes(userKey, sub, args);
            case "listMyNotes" -> listNotes(userKey);
            case "addNote" -> addNote(userKey, args);
            case "crmInit" -> crmInit(userKey);
            case "crmGetSalesSummary" -> salesSummary(userKey, args);
            case "crmExplainAccess" -> explainAccess(userKey);
            case "crmAttemptCrossUserRead" -> crossUserRead(userKey, args);
            default -> error(404, "unknown_tool", "No such tool.");
        };
    }

    /** {@code hex(HMAC-SHA256(secret, sub))}: 64 lower-case hex characters, not reversible without the secret. */
    String userKey(String sub) throws Exception {
        Mac mac = userKeyMacs.get();
        if (mac == null) { // one initialised Mac per thread: no algorithm lookup per call
            mac = Mac.getInstance("HmacSHA256");
            mac.init(userKeySecret);
            userKeyMacs.set(mac);
        }
        return HexFormat.of().formatHex(mac.doFinal(sub.getBytes(StandardCharsets.UTF_8)));
    }

    static String label(String userKey) {
        return "user-" + userKey.substring(0, 6);
    }

    private static ObjectNode ok(String summary) {
        ObjectNode o = JsonRpc.MAPPER.createObjectNode();
        o.put("ok", true);
        o.put("summary", summary);
        return o;
    }

    private Answer whoami(JWTClaimsSet claims, List<String> scopes, String userKey, String requestId) {
        ObjectNode o = ok("You are " + claims.getSubject() + " (verified from the gateway's signed identity assertion).");
        o.put("verified", true);
        o.put("source", "X-Gateway-Identity");
        ObjectNode user = o.putObject("user");
        user.put("sub", claims.getSubject());
        user.put("user_key", label(userKey));
        if (claims.getClaim("email") instanceof String email) {
            user.put("email", email);
        }
        ObjectNode auth = o.putObject("authorization");
        auth.put("issuer", claims.getIssuer());
        auth.put("audience", claims.getAudience().isEmpty() ? null : claims.getAudience().getFirst());
        auth.put("idp_issuer", claims.getClaim("idp_iss") instanceof String s ? s : null);
        auth.put("scope", String.join(" ", scopes));
        ArrayNode list = auth.putArray("scope_list");
        scopes.forEach(list::add);
        auth.put("iat", claims.getIssueTime().toInstant().getEpochSecond());
        auth.put("exp", claims.getExpirationTime().toInstant().getEpochSecond());
        auth.put("exp_in_seconds", Math.max(0, claims.getExpirationTime().toInstant().getEpochSecond() - Instant.now().getEpochSecond()));
        o.putObject("request").put("requestId", requestId);
        return new Answer(200, o);
    }

    private static Answer echo(JsonNode args) {
        String message = args.path("message").asString("");
        ObjectNode o = ok("Echo: " + message);
        o.put("message", message);
        return new Answer(200, o);
    }

    private Answer seedNotes(String userKey, String sub, JsonNode args) throws SQLException {
        int count = args.path("count").isIntegralNumber() ? Math.max(1, Math.min(20, args.path("count").asInt())) : 3;
        String who = sub.length() > 10 ? sub.substring(0, 10) : sub;
        synchronized (db) {
            try (PreparedStatement p = db.prepareStatement("INSERT INTO notes(user_key, text, created_at) VALUES (?,?,?)")) {
                for (int i = 1; i <= count; i++) {
                    p.setString(1, userKey);
                    p.setString(2, "Hello " + who + "… (#" + i + ")");
                    p.setString(3, Instant.now().toString());
                    p.addBatch();
                }
                p.executeBatch();
            }
        }
        ObjectNode o = ok("Seeded " + count + " notes.");
        o.put("seeded", count);
        return new Answer(200, o);
    }

    private Answer listNotes(String userKey) throws SQLException {
        ArrayNode notes = JsonRpc.MAPPER.createArrayNode();
        synchronized (db) {
            try (PreparedStatement p = db.prepareStatement("SELECT id, text, created_at FROM notes WHERE user_key = ? ORDER BY id")) {
                p.setString(1, userKey);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        notes.addObject().put("id", rs.getLong(1)).put("text", rs.getString(2)).put("createdAt", rs.getString(3));
                    }
                }
            }
        }
        ObjectNode o = ok("You have " + notes.size() + " notes.");
        o.set("notes", notes);
        return new Answer(200, o);
    }

    private Answer addNote(String userKey, JsonNode args) throws SQLException {
        String text = args.path("text").asString("").strip();
        if (text.isEmpty()) {
            return error(400, "missing_text", "A note needs some text.");
        }
        long id;
        synchronized (db) {
            try (PreparedStatement p = db.prepareStatement("INSERT INTO notes(user_key, text, created_at) VALUES (?,?,?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                p.setString(1, userKey);
                p.setString(2, text);
                p.setString(3, Instant.now().toString());
                p.executeUpdate();
                try (ResultSet keys = p.getGeneratedKeys()) {
                    id = keys.next() ? keys.getLong(1) : -1;
                }
            }
        }
        ObjectNode o = ok("Added a note.");
        o.putObject("note").put("id", id).put("text", text);
        return new Answer(200, o);
    }

    /** Seeds the user's deals once (deterministic per user key); returns how many were created (0 if already). */
    private int ensureSeeded(String userKey) throws Exception {
        synchronized (db) {
            try (PreparedStatement exists = db.prepareStatement("SELECT 1 FROM users WHERE user_key = ?")) {
                exists.setString(1, userKey);
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        return 0;
                    }
                }
            }
            byte[] seed = MessageDigest.getInstance("SHA-256").digest(userKey.getBytes(StandardCharsets.US_ASCII));
            Random random = new Random(ByteBuffer.wrap(seed).getLong());
            int n = 40 + random.nextInt(40);
            boolean auto = db.getAutoCommit();
            db.setAutoCommit(false);
            try (PreparedStatement user = db.prepareStatement("INSERT INTO users(user_key, created_at) VALUES (?,?)");
                 PreparedStatement deal = db.prepareStatement("INSERT INTO deals(id, user_key, account, amount_cents, close_date, stage, created_at)"
                         + " VALUES (?,?,?,?,?,?,?)")) {
                String now = Instant.now().toString();
                user.setString(1, userKey);
                user.setString(2, now);
                user.executeUpdate();
                for (int i = 0; i < n; i++) {
                    int year = random.nextDouble() < 0.55 ? 2025 : 2024;
                    LocalDate date = LocalDate.of(year, 1 + random.nextInt(12), 1 + random.nextInt(28));
                    String stage = STAGES[random.nextInt(3)];
                    long cents = 80_000 + random.nextInt(1_800_001);
                    if (stage.equals("open")) {
                        cents = Math.round(cents * 0.7);
                    }
                    deal.setString(1, new UUID(random.nextLong(), random.nextLong()).toString());
                    deal.setString(2, userKey);
                    deal.setString(3, ACCOUNTS[random.nextInt(ACCOUNTS.length)]);
                    deal.setLong(4, cents);
                    deal.setString(5, date.toString());
                    deal.setString(6, stage);
                    deal.setString(7, now);
                    deal.addBatch();
                }
                deal.executeBatch();
                db.commit();
            } catch (SQLException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(auto);
            }
            return n;
        }
    }

    private long count(String sql, String userKey) throws SQLException {
        synchronized (db) {
            try (PreparedStatement p = db.prepareStatement(sql)) {
                if (userKey != null) {
                    p.setString(1, userKey);
                }
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0;
                }
            }
        }
    }

    private Answer crmInit(String userKey) throws Exception {
        int created = ensureSeeded(userKey);
        ObjectNode o = ok(created > 0 ? "Your CRM is ready: " + created + " deals created for " + label(userKey) + "."
                : "Your CRM was already set up for " + label(userKey) + ".");
        ObjectNode welcome = o.putObject("welcome");
        welcome.put("user", label(userKey));
        welcome.put("seeded", created > 0);
        welcome.put("createdDeals", created);
        welcome.put("dbUsers", count("SELECT COUNT(*) FROM users", null));
        welcome.put("dbEntries", count("SELECT COUNT(*) FROM deals WHERE user_key = ?", userKey));
        ArrayNode tryNext = welcome.putArray("try");
        tryNext.add("crmGetSalesSummary {\"year\":2025,\"quarter\":2}");
        tryNext.add("crmExplainAccess");
        tryNext.add("crmAttemptCrossUserRead {\"targetUser\":\"someone-else\"}");
        return new Answer(200, o);
    }

    private Answer salesSummary(String userKey, JsonNode args) throws Exception {
        ensureSeeded(userKey);
        int year = args.path("year").isIntegralNumber() ? args.path("year").asInt() : LocalDate.now(ZoneOffset.UTC).getYear();
        int quarter = args.path("quarter").isIntegralNumber() ? Math.max(1, Math.min(4, args.path("quarter").asInt())) : 1;
        LocalDate start = LocalDate.of(year, (quarter - 1) * 3 + 1, 1);
        LocalDate end = start.plusMonths(3);
        long won;
        long revenue;
        synchronized (db) {
            try (PreparedStatement p = db.prepareStatement("SELECT COUNT(*), COALESCE(SUM(amount_cents),0) FROM deals"
                    + " WHERE user_key = ? AND stage = 'won' AND close_date >= ? AND close_date < ?")) {
                p.setString(1, userKey);
                p.setString(2, start.toString());
                p.setString(3, end.toString());
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    won = rs.getLong(1);
                    revenue = rs.getLong(2);
                }
            }
        }
        ObjectNode o = ok(String.format(Locale.ROOT, "Q%d %d: $%d.%02d from %d won deals.", quarter, year,
                revenue / 100, revenue % 100, won));
        o.put("year", year);
        o.put("quarter", quarter);
        o.putObject("range").put("start", start.toString()).put("endExclusive", end.toString());
        o.put("deals_won", won);
        o.put("revenue_cents", revenue);
        return new Answer(200, o);
    }

    private Answer explainAccess(String userKey) throws Exception {
        ObjectNode o = ok("Your CRM rows are keyed by " + label(userKey) + ", an HMAC of your verified user id;"
                + " no tool accepts a user id, so you can only ever read your own data.");
        o.put("user", label(userKey));
        o.put("yourDeals", count("SELECT COUNT(*) FROM deals WHERE user_key = ?", userKey));
        o.put("dbUsers", count("SELECT COUNT(*) FROM users", null));
        o.put("identitySource", "X-Gateway-Identity (ES256, verified against the gateway's JWKS)");
        return new Answer(200, o);
    }

    private static Answer crossUserRead(String userKey, JsonNode args) {
        Answer denied = error(403, "cross_user_access_denied",
                "Cross-user reads are refused: you can only read your own CRM data.");
        denied.body().put("requested_target", args.path("targetUser").asString(""));
        denied.body().put("actual_scope", label(userKey));
        denied.body().put("explanation", "Every query is bound to the key derived from your verified identity; the backend never takes a user id from the request.");
        denied.body().put("how_to_demo", "Sign in as another user and call crmInit: their data and yours never mix.");
        return denied;
    }
}
