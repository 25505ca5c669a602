package io.gatewaystack.mcp;

import static io.gatewaystack.mcp.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class SchemaValidatorTest {

    private final JsonNode schema = json("""
            {"type":"object","additionalProperties":false,"required":["year","quarter"],
             "properties":{"year":{"type":"integer","minimum":2000},"quarter":{"type":"integer","enum":[1,2,3,4]},
                           "note":{"type":"string","maxLength":5},"tags":{"type":"array","items":{"type":"string"}},
                           "when":{"type":["string","null"]}}}""");

    private String check(String args) {
        return SchemaValidator.validate(schema, json(args));
    }

    @Test
    void acceptsFittingArguments() {
        assertThat(check("{\"year\":2025,\"quarter\":2}")).isNull();
        assertThat(check("{\"year\":2025.0,\"quarter\":2,\"tags\":[\"a\"],\"when\":null}")).isNull();
    }

    @Test
    void namesTheProblem() {
        assertThat(check("{\"year\":2025}")).isEqualTo("arguments is missing the required property \"quarter\".");
        assertThat(check("{\"year\":\"2025\",\"quarter\":1}")).isEqualTo("arguments.year must be an integer but is a string.");
        assertThat(check("{\"year\":2025,\"quarter\":5}")).isEqualTo("arguments.quarter must be one of [1,2,3,4].");
        assertThat(check("{\"year\":2025,\"quarter\":1,\"x\":1}")).startsWith("arguments has the property \"x\", which the tool does not accept (allowed: year, quarter");
        assertThat(check("{\"year\":1999,\"quarter\":1}")).isEqualTo("arguments.year must be at least 2000.");
        assertThat(check("{\"year\":2025,\"quarter\":1,\"note\":\"toolong\"}")).contains("at most 5 characters");
        assertThat(check("{\"year\":2025,\"quarter\":1,\"tags\":[1]}")).isEqualTo("arguments.tags[0] must be a string but is an integer.");
        assertThat(check("{\"year\":2025,\"quarter\":1,\"when\":3}")).isEqualTo("arguments.when must be a string or null but is an integer.");
        assertThat(SchemaValidator.validate(json("{\"type\":\"object\"}"), json("[]"))).isEqualTo("arguments must be an object but is an array.");
    }
}
