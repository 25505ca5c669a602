package io.gatewaystack.core;

import java.util.Objects;

/** One HTTP header a layer wants added, by name and value. */
public record HeaderField(String name, String value) {
    public HeaderField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
