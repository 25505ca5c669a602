package io.gatewaystack.transform.detect;

import java.util.List;

/**
 * PEM private keys: from {@code -----BEGIN ... PRIVATE KEY-----} through the matching {@code -----END ...-----}
 * line (RSA, EC, DSA, OPENSSH, ENCRYPTED, PKCS#8). Works on keys with real newlines and on keys with escaped
 * "\n" inside JSON text (a pasted GCP service-account file). When the text says {@code service_account} within
 * 2,000 chars before the key, the type is {@code gcp_service_account_key}. A BEGIN line without an END is
 * reported from BEGIN through the base64 that follows (at most 16 KiB).
 */
public final class PemPrivateKeyDetector implements Detector {

    public static final String TYPE = "private_key";
    public static final String GCP_TYPE = "gcp_service_account_key";
    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final int MAX_LABEL = 40;
    private static final int MAX_BODY = 16 * 1024;

    @Override public List<String> types() { return List.of(TYPE, GCP_TYPE); }
    @Override public Trigger trigger() { return Trigger.DASH; }

    @Override
    public void detectAt(String text, int pos, ScanState state, List<Finding> out) {
        if (!text.startsWith(BEGIN, pos)) return;
        int labelStart = pos + BEGIN.length();
        int labelEnd = Chars.indexOf(text, "-----", labelStart, labelStart + MAX_LABEL + 5);
        if (labelEnd < 0 || labelEnd - labelStart > MAX_LABEL) return;
        if (!text.startsWith("PRIVATE KEY", labelEnd - "PRIVATE KEY".length())) return;
        int headerEnd = labelEnd + 5;
        int endLine = state.nextPemEnd(text, END, headerEnd);
        int end;
        if (endLine >= 0 && endLine - headerEnd <= MAX_BODY) {
            int close = Chars.indexOf(text, "-----", endLine + END.length(), endLine + END.length() + MAX_LABEL + 5);
            end = close < 0 || close - endLine > MAX_LABEL + END.length() ? endLine + END.length() : close + 5;
        } else {
            end = headerEnd;
            int limit = Math.min(text.length(), headerEnd + MAX_BODY);
            while (end < limit && isBodyChar(text.charAt(end))) end++;
        }
        boolean gcp = Chars.indexOf(text, "service_account", Math.max(0, pos - 2000), pos) >= 0;
        out.add(new Finding(gcp ? GCP_TYPE : TYPE, pos, end, 0.99));
    }

    private static boolean isBodyChar(char c) {
        return Chars.isAsciiAlnum(c) || c == '+' || c == '/' || c == '=' || c == '\n' || c == '\r' || c == ' ' || c == '\\';
    }
}
