package io.gatewaystack.transform.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonEscapesTest {

    @Test
    void escapeSequencesBecomeSpacesOfTheSameLength() {
        String json = "{\"a\":\"x\\ny\\\"z\\\\n\\u00e9!\"}";
        String blank = JsonEscapes.blank(json);
        assertThat(blank).hasSameSizeAs(json).isEqualTo("{\"a\":\"x  y  z  n      !\"}");
        // "\\n" is an escaped backslash and a plain n: the n stays
        assertThat(JsonEscapes.blank("\\\\n")).isEqualTo("  n");
        assertThat(JsonEscapes.blank("no escapes")).isSameAs("no escapes");
        assertThat(JsonEscapes.blank("cut \\u00")).isEqualTo("cut     "); // an escape cut off at the end
        assertThat(JsonEscapes.blank("end\\")).isEqualTo("end ");
    }
}
