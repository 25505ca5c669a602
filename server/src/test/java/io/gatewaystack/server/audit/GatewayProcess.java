package io.gatewaystack.server.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real gateway ({@code gatewaystack demo}) in its own JVM, started on this test's classpath, so a test can
 * {@code kill -9} it. Its output goes to a log file; the port and the demo token are read from its banner.
 */
final class GatewayProcess implements AutoCloseable {

    private static final Pattern GATEWAY = Pattern.compile("^\\s*gateway\\s+http://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern TOKEN = Pattern.compile("^export TOKEN=(\\S+)");

    private final Process process;
    private final int port;
    private final String token;

    private GatewayProcess(Process process, int port, String token) {
        this.process = process;
        this.port = port;
        this.token = token;
    }

    /** Starts the demo gateway with {@code env} added to a clean demo environment; waits for its banner (≤ 90 s). */
    static GatewayProcess start(Map<String, String> env, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.gatewaystack.server.cli.GatewayStackCommand", "demo"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("DEMO_") || k.startsWith("GATEWAYSTACK_") || k.equals("DATABASE_URL")
                || k.equals("PORT") || k.startsWith("OAUTH_") || k.equals("REDIS_URL"));
        e.putAll(Map.of("PORT", "0", "DEMO_ISSUER_PORT", "0", "DEMO_ECHO_PORT", "0", "DEMO_LLM_PORT", "0",
                "DEMO_TOOLS_PORT", "0"));
        e.putAll(env);
        Process p = pb.start();
        CompletableFuture<int[]> portSeen = new CompletableFuture<>();
        CompletableFuture<String> tokenSeen = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("gateway-process-output").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                         StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
                String line;
                while ((line = r.readLine()) != null) {
                    out.println(line);
                    Matcher m = GATEWAY.matcher(line);
                    if (m.find()) {
                        portSeen.complete(new int[]{Integer.parseInt(m.group(1))});
                    }
                    Matcher t = TOKEN.matcher(line);
                    if (t.find()) {
                        tokenSeen.complete(t.group(1));
                    }
                }
            } catch (IOException ignored) {
                // the process died
            }
            portSeen.completeExceptionally(new IllegalStateException("the gateway exited before its banner; see " + log));
            tokenSeen.completeExceptionally(new IllegalStateException("no token in the banner; see " + log));
        });
        try {
            int port = portSeen.get(90, TimeUnit.SECONDS)[0];
            return new GatewayProcess(p, port, tokenSeen.get(10, TimeUnit.SECONDS));
        } catch (Exception ex) {
            p.destroyForcibly();
            throw ex;
        }
    }

    int port() {
        return port;
    }

    String token() {
        return token;
    }

    long pid() {
        return process.pid();
    }

    /** {@code kill -9}: no shutdown hook runs, nothing is flushed or sealed. */
    void kill9() throws Exception {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL on Linux
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the gateway did not die");
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM: a clean shutdown
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
