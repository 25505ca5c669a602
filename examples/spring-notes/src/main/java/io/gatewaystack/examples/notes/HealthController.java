package io.gatewaystack.examples.notes;

import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A public endpoint: listed in {@code gatewaystack.excluded-paths}, so it needs no token. */
@RestController
class HealthController {

    @GetMapping("/health")
    Map<String, Object> health() {
        return Map.of("ok", true);
    }
}
