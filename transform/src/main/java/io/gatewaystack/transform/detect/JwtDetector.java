package io.gatewaystack.transform.detect;

import java.util.Base64;
import java.util.List;

/**
 * JSON Web Tokens: three base64url segments separated by '.', where the first decodes to a JSON object with an
 * "alg" member. The signature segment may be empty (unsecured JWTs are still bearer credentials).
 */
public final class JwtDetector implements Detector {

    public static final String TYPE = "jwt";
    private static final int MAX_SEGMENT = 16 * 1024;

    @Override public List<String> types() { return List.of(TYPE); }
    @Override public Trigger trigger() { return Trigger.WORD_START; }
    @Override public boolean canStartWith(char c) { return c == 'e'; }

    /** False: a JWT starts with "eyJ" (an upper-case J). */
    @Override public boolean mayStartPlainLowercaseWord() { return false; }

    @Override
    public void detectAt(String text, int pos, ScanState state, List<Finding> out) {
        if (!text.startsWith("eyJ", pos)) return;
        int headerEnd = segmentEnd(text, pos);
        if (headerEnd >= text.length() || text.charAt(headerEnd) != '.') return;
        int payloadEnd = segmentEnd(text, headerEnd + 1);
        if (payloadEnd == headerEnd + 1 || payloadEnd >= text.length() || text.charAt(payloadEnd) != '.') return;
        int end = segmentEnd(text, payloadEnd + 1);
        if (end < text.length() && (Chars.isWord(text.charAt(end)) || text.charAt(end) == '.')) return;
        if (!headerLooksLikeJose(text.substring(pos, headerEnd))) return;
        out.add(new Finding(TYPE, pos, end, 0.95));
    }

    private static int segmentEnd(String text, int from) {
        int i = from;
        int limit = Math.min(text.length(), from + MAX_SEGMENT);
        while (i < limit && Chars.isBase64Url(text.charAt(i))) i++;
        return i;
    }

    private static boolean headerLooksLikeJose(String segment) {
        try {
            String json = new String(Base64.getUrlDecoder().decode(segment), java.nio.charset.StandardCharsets.UTF_8);
            return json.startsWith("{") && json.contains("\"alg\"");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
