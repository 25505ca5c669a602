package io.gatewaystack.transform.response;

import io.gatewaystack.transform.classify.ClassifierRules;
import io.gatewaystack.transform.classify.HeuristicClassifier;
import io.gatewaystack.transform.classify.PhraseRule;
import io.gatewaystack.transform.detect.Finding;
import io.gatewaystack.transform.redact.Action;
import io.gatewaystack.transform.redact.ActionPolicy;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the scans of one response found, over all its fields and streams: counts per type, changed counts per
 * type, blocked types, and the classifier's phrase rules that matched (for the answer's labels). Never the values.
 * One instance per response; not thread-safe.
 */
public final class ResponseFindings {

    private final SortedMap<String, Integer> counts = new TreeMap<>();
    private final SortedMap<String, Integer> changed = new TreeMap<>();
    private final SortedSet<String> blockedTypes = new TreeSet<>();
    private final Set<PhraseRule> matchedRules = new HashSet<>();
    private int total;

    /** Records one finding under the action that applies to it; returns that action. */
    Action record(Finding f, ActionPolicy policy) {
        Action a = policy.actionFor(f.type());
        counts.merge(f.type(), 1, Integer::sum);
        total++;
        if (a.changesText()) changed.merge(f.type(), 1, Integer::sum);
        if (a == Action.BLOCK) blockedTypes.add(f.type());
        return a;
    }

    /** Adds phrase rules that matched somewhere in the response; whether one was new. */
    boolean addRules(Set<PhraseRule> rules) {
        return matchedRules.addAll(rules);
    }

    /**
     * The classifier's labels of the whole response (its fields and streams together), without
     * {@code code_injection}: an answer that shows code is not an attack, a request that sends it may be.
     */
    public Set<String> labels() {
        Set<String> labels = new TreeSet<>(HeuristicClassifier.labels(matchedRules));
        labels.remove(ClassifierRules.CODE_INJECTION);
        return Collections.unmodifiableSet(labels);
    }

    public SortedMap<String, Integer> countsByType() {
        return Collections.unmodifiableSortedMap(counts);
    }

    /** Findings whose action changed the text (mask, placeholder, remove), per type. */
    public SortedMap<String, Integer> changedByType() {
        return Collections.unmodifiableSortedMap(changed);
    }

    public Set<String> blockedTypes() {
        return Collections.unmodifiableSortedSet(blockedTypes);
    }

    public boolean blocked() {
        return !blockedTypes.isEmpty();
    }

    public boolean isEmpty() {
        return total == 0;
    }

    /** All findings so far. */
    public int total() {
        return total;
    }

    @Override
    public String toString() {
        return "ResponseFindings" + counts;
    }
}
