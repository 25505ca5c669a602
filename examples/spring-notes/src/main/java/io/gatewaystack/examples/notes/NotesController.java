package io.gatewaystack.examples.notes;

import io.gatewaystack.core.Identity;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application's own endpoints. The {@link Identity} parameter is the verified token's user, put there by the
 * starter's filter: the controller never parses a token or trusts a header.
 */
@RestController
@RequestMapping("/notes")
class NotesController {

    record Note(long id, String owner, String text) {}

    record NewNote(String text) {}

    private final Map<String, List<Note>> notesByOwner = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    @GetMapping
    List<Note> list(Identity identity) {
        return notesByOwner.getOrDefault(identity.subject(), List.of());
    }

    @PostMapping
    ResponseEntity<Note> add(Identity identity, @RequestBody NewNote body) {
        if (body == null || body.text() == null || body.text().isBlank()) {
            return ResponseEntity.badRequest().build();
        }
        Note note = new Note(ids.incrementAndGet(), identity.subject(), body.text());
        notesByOwner.computeIfAbsent(identity.subject(), k -> new CopyOnWriteArrayList<>()).add(note);
        return ResponseEntity.status(HttpStatus.CREATED).body(note);
    }

    /** The policy lets only admins get here. */
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable("id") long id) {
        boolean removed = notesByOwner.values().stream().anyMatch(list -> list.removeIf(n -> n.id() == id));
        return removed ? ResponseEntity.noContent().build() : ResponseEntity.notFound().build();
    }

    /** Who the application thinks the caller is. */
    @GetMapping("/whoami")
    Map<String, Object> whoami(Identity identity) {
        return Map.of("sub", identity.subject(), "roles", identity.roles(), "scopes", identity.scopes(),
                "org", identity.orgId() == null ? "" : identity.orgId());
    }
}
