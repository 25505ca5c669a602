package io.gatewaystack.examples.calendar;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The seed's calendar example: a backend that knows nothing about OAuth and simply trusts {@code X-User-Id},
 * because only the gateway can reach it and the gateway sets that header from a verified token.
 *
 * <p>{@code GET /events} returns the events of the user named by {@code X-User-Id}, and nobody else's. Run it
 * behind the gateway with {@code PROXY_TARGET=http://127.0.0.1:4000} and call {@code /proxy/events}.
 * Such a backend must not be reachable except through the gateway (bind it to a private interface or verify
 * the signed {@code X-Gateway-Identity} assertion as well).
 */
public final class CalendarBackend implements AutoCloseable {

    /** Sample data: each user's private events. */
    public static final Map<String, List<String>> EVENTS = Map.of(
            "alice", List.of("Dentist 09:00", "Team sync 11:00"),
            "bob", List.of("Salary review 15:00"));

    private final HttpServer server;

    public CalendarBackend(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/events", this::events);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void events(HttpExchange exchange) throws IOException {
        String user = exchange.getRequestHeaders().getFirst("X-User-Id");
        if (user == null || user.isBlank()) {
            send(exchange, 401, "{\"error\":\"missing X-User-Id\"}");
            return;
        }
        List<String> events = EVENTS.getOrDefault(user, List.of());
        String json = events.stream().map(e -> "\"" + e.replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(",", "{\"user\":\"" + user.replace("\"", "") + "\",\"events\":[", "]}"));
        send(exchange, 200, json);
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
        CalendarBackend backend = new CalendarBackend(port);
        System.out.println("calendar backend on http://127.0.0.1:" + backend.port() + "/events");
    }
}
