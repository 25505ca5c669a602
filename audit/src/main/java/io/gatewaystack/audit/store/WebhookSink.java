package io.gatewaystack.audit.store;

import io.gatewaystack.audit.AuditSink;
import io.gatewaystack.audit.spool.SpoolEntry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Audit records to an HTTP endpoint (a SIEM's collector: Splunk HEC raw, Elastic, Vector, Fluent Bit, a custom
 * service): {@code POST} of up to {@code maxBatch} records as JSON lines ({@code application/x-ndjson}), each line
 * exactly the stored event or seal.
 *
 * <p>Delivery is the pipeline's: records come from the spool in order, one request at a time, and a request that
 * fails (connection error, timeout, any non-2xx answer) makes {@link #write} throw, so the pipeline retries the
 * same records with backoff (100 ms doubling to 5 s) until the endpoint takes them; nothing is skipped. It is
 * at-least-once on the wire (an answer lost after the receiver stored the batch means the batch comes again), so
 * every request carries an {@code Idempotency-Key} (SHA-256 of the body: the same records give the same key) and
 * every event its {@code event_id}; a receiver that deduplicates on either stores each event once.
 *
 * <p>With a secret, each body is signed: {@code X-GatewayStack-Signature: sha256=<hex HMAC-SHA256 of the body>}.
 */
public final class WebhookSink implements AuditSink {

    /**
     * @param url           the endpoint (http or https)
     * @param authorization sent as the {@code Authorization} header (e.g. {@code Splunk <token>}), or null
     * @param secret        HMAC-SHA256 key for {@code X-GatewayStack-Signature}, or null
     * @param maxBatch      records per request
     * @param timeout       per request (connect and answer)
     */
    public record Settings(URI url, String authorization, byte[] secret, int maxBatch, Duration timeout) {
        public Settings {
            Objects.requireNonNull(url, "url");
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
                throw new IllegalArgumentException("the audit webhook URL must be an http(s) URL with a host");
            }
            if (maxBatch < 1) {
                throw new IllegalArgumentException("the audit webhook batch must be at least 1");
            }
            timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
        }

        public static Settings of(URI url) {
            return new Settings(url, null, null, 500, Duration.ofSeconds(10));
        }
    }

    private final String name;
    private final Settings settings;
    private final HttpClient http;

    public WebhookSink(String name, Settings settings) {
        this.name = name;
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void write(List<SpoolEntry> batch) throws IOException, InterruptedException {
        // Data keys stay out of the SIEM: they must be erasable (only the SQL store's key table is).
        List<SpoolEntry> records = batch.stream().filter(e -> !e.isKey()).toList();
        for (int from = 0; from < records.size(); from += settings.maxBatch()) {
            post(records.subList(from, Math.min(records.size(), from + settings.maxBatch())));
        }
    }

    private void post(List<SpoolEntry> records) throws IOException, InterruptedException {
        StringBuilder sb = new StringBuilder(records.size() * 900);
        for (SpoolEntry e : records) {
            sb.append(e.json()).append('\n');
        }
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder req = HttpRequest.newBuilder(settings.url())
                .timeout(settings.timeout())
                .header("Content-Type", "application/x-ndjson")
                .header("Idempotency-Key", hex(sha256(body)))
                .header("X-GatewayStack-Records", Integer.toString(records.size()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (settings.authorization() != null) {
            req.header("Authorization", settings.authorization());
        }
        if (settings.secret() != null) {
            req.header("X-GatewayStack-Signature", "sha256=" + hex(hmac(settings.secret(), body)));
        }
        HttpResponse<Void> response = http.send(req.build(), HttpResponse.BodyHandlers.discarding());
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            // Any other answer (4xx included) is "not stored": retried, never skipped, so a misconfigured receiver
            // shows up as a growing lag and an unhealthy sink instead of silently losing events.
            throw new IOException("audit webhook " + settings.url() + " answered " + status);
        }
    }

    /** The signature a receiver recomputes: hex HMAC-SHA256 of the raw body. */
    public static String signature(byte[] secret, byte[] body) {
        return "sha256=" + hex(hmac(secret, body));
    }

    private static byte[] hmac(byte[] key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Override
    public void close() {
        http.close();
    }
}
