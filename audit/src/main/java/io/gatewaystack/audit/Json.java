package io.gatewaystack.audit;

import java.util.List;

/**
 * A tiny JSON writer with one fixed output form: no whitespace, properties in the order written, strings escaped
 * the same way every time. The canonical serialisation the hash chain is computed over depends on this being
 * deterministic, so it does not go through a configurable library.
 */
final class Json {

    private final StringBuilder sb;
    private boolean needComma;

    Json(int capacity) {
        this.sb = new StringBuilder(capacity);
    }

    Json begin() {
        comma();
        sb.append('{');
        needComma = false;
        return this;
    }

    Json begin(String name) {
        name(name);
        sb.append('{');
        needComma = false;
        return this;
    }

    Json end() {
        sb.append('}');
        needComma = true;
        return this;
    }

    Json str(String name, String value) {
        name(name);
        if (value == null) {
            sb.append("null");
        } else {
            quote(value);
        }
        needComma = true;
        return this;
    }

    Json num(String name, long value) {
        name(name);
        sb.append(value);
        needComma = true;
        return this;
    }

    Json bool(String name, boolean value) {
        name(name);
        sb.append(value);
        needComma = true;
        return this;
    }

    Json nul(String name) {
        name(name);
        sb.append("null");
        needComma = true;
        return this;
    }

    Json strings(String name, List<String> values) {
        name(name);
        if (values == null) {
            sb.append("null");
        } else {
            sb.append('[');
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                String v = values.get(i);
                if (v == null) {
                    sb.append("null");
                } else {
                    quote(v);
                }
            }
            sb.append(']');
        }
        needComma = true;
        return this;
    }

    private void name(String name) {
        comma();
        quote(name);
        sb.append(':');
    }

    private void comma() {
        if (needComma) {
            sb.append(',');
        }
    }

    /** Appends {@code s} quoted; runs of characters that need no escape are copied in one call. */
    private void quote(String s) {
        sb.append('"');
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && c < 0x2028 || c > 0x2029 && !Character.isSurrogate(c)) {
                continue; // needs no escape
            }
            sb.append(s, run, i);
            run = i + 1;
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(String.format("\\u%04x", (int) c)); // controls, U+2028/9, surrogates
            }
        }
        sb.append(s, run, s.length()).append('"');
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
