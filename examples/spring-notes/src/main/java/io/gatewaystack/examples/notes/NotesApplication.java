package io.gatewaystack.examples.notes;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small notes API that knows nothing about tokens, policies, limits or audit: the GatewayStack starter puts all
 * of that in front of it from {@code application.yaml}. Each user sees only their own notes.
 */
@SpringBootApplication
public class NotesApplication {

    public static void main(String[] args) {
        SpringApplication.run(NotesApplication.class, args);
    }
}
