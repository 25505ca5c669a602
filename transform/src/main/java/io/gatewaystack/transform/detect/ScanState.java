package io.gatewaystack.transform.detect;

/**
 * Per-scan scratch state shared by detectors that would otherwise repeat a long search at every candidate
 * (e.g. "where is the next PEM END line"). One instance per scan; not thread-safe.
 */
public final class ScanState {

    private int pemEndSearchedFrom = -1;
    private int pemEndAt = -1;
    private int phoneCandidateEnd = -1;

    /** Whether {@code pos} lies inside the last phone candidate (its groups are not new candidates). */
    boolean insidePhoneCandidate(int pos) {
        return pos < phoneCandidateEnd;
    }

    void phoneCandidate(int end) {
        phoneCandidateEnd = end;
    }

    /** The index of the next {@code marker} at or after {@code from}, caching the answer for later candidates. */
    int nextPemEnd(String text, String marker, int from) {
        if (pemEndSearchedFrom >= 0 && from >= pemEndSearchedFrom && (pemEndAt < 0 || pemEndAt >= from)) {
            return pemEndAt;
        }
        pemEndSearchedFrom = from;
        pemEndAt = text.indexOf(marker, from);
        return pemEndAt;
    }
}
