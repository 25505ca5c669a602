package io.gatewaystack.transform.detect;

/**
 * One piece of sensitive content found in a text: its type and where it is, never its value.
 *
 * @param type       the detector type, e.g. {@code email}, {@code credit_card}, {@code aws_access_key}
 * @param start      the first char (UTF-16 index into the scanned text, inclusive)
 * @param end        the char after the last one (exclusive)
 * @param confidence 0..1, how sure the detector is (a checksum-validated match scores higher than a shape match)
 */
public record Finding(String type, int start, int end, double confidence) {
    public Finding {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("bad span " + start + ".." + end);
        }
    }

    public int length() {
        return end - start;
    }

    public boolean overlaps(Finding other) {
        return start < other.end && other.start < end;
    }
}
