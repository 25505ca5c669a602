package io.gatewaystack.transform.classify;

import static io.gatewaystack.transform.classify.HeuristicClassifier.STRONG;
import static io.gatewaystack.transform.classify.HeuristicClassifier.WEAK;

import java.util.ArrayList;
import java.util.List;

/**
 * The built-in phrase lists (documented in docs/layers/transform.md). Strong phrases are specific to their
 * domain ("diagnosed with", "routing number", "attorney-client"); weak words are common on their own ("patient",
 * "bank", "court") and only count in threes. Phrases are regexes (case-insensitive, whitespace as {@code \s+}).
 */
public final class ClassifierRules {

    public static final String MEDICAL = "medical";
    public static final String FINANCIAL = "financial";
    public static final String LEGAL = "legal";
    public static final String PROMPT_INJECTION = "prompt_injection";
    public static final String JAILBREAK = "jailbreak_attempt";
    public static final String CODE_INJECTION = "code_injection";

    private static final String SHOW_PROMPT = "\\s+(me\\s+)?(your|the)\\s+(system\\s+prompt|hidden\\s+prompt|initial\\s+instructions)";

    public static final List<PhraseRule> ALL = build();

    private ClassifierRules() {}

    private static List<PhraseRule> build() {
        List<PhraseRule> r = new ArrayList<>();
        strong(r, MEDICAL, "diagnosed\\s+with", "diagnosis\\s+of", "chemotherapy", "hiv[\\s-]+positive", "medical\\s+record",
                "medical\\s+history", "prescribed", "icd-10", "blood\\s+pressure", "oncology", "oncologist", "psychiatric",
                "insulin", "antidepressant", "antidepressants", "biopsy", "mri\\s+scan", "treatment\\s+plan", "lab\\s+results");
        weak(r, MEDICAL, "patient", "patients", "symptom", "symptoms", "medication", "medications", "dosage", "clinic", "doctor", "hospital", "therapy",
                "surgery", "diabetes", "cancer", "nurse", "allergy", "allergies");
        strong(r, FINANCIAL, "routing\\s+number", "account\\s+number", "bank\\s+account", "wire\\s+transfer", "tax\\s+return",
                "credit\\s+score", "sort\\s+code", "swift\\s+code", "brokerage\\s+account", "annual\\s+income", "credit\\s+card\\s+number");
        weak(r, FINANCIAL, "salary", "loan", "loans", "mortgage", "invoice", "payment", "balance", "tax", "bank", "debt", "income");
        strong(r, LEGAL, "attorney[\\s-]+client", "privileged\\s+and\\s+confidential", "subpoena", "lawsuit", "litigation",
                "settlement\\s+agreement", "non-disclosure\\s+agreement", "cease\\s+and\\s+desist", "plaintiff", "defendant",
                "court\\s+order");
        weak(r, LEGAL, "contract", "court", "legal", "lawyer", "attorney", "judge", "liability", "clause", "statute");
        strong(r, PROMPT_INJECTION,
                "ignore\\s+(all\\s+|the\\s+|any\\s+|your\\s+)?(previous|prior|above|earlier|preceding)\\s+(instructions|prompts?|rules|messages|directions)",
                "disregard\\s+(all\\s+|the\\s+|any\\s+|your\\s+)?(previous|prior|above|earlier)\\s+(instructions|context|rules|prompts?)",
                "forget\\s+(all\\s+|everything\\s+|your\\s+)?(previous\\s+|prior\\s+)?(instructions|rules)",
                "you\\s+are\\s+now\\s+(a|an|in)",
                "reveal" + SHOW_PROMPT, "print" + SHOW_PROMPT, "show" + SHOW_PROMPT, "repeat" + SHOW_PROMPT,
                "new\\s+instructions\\s*:",
                "system\\s*:\\s*you\\s+are");
        strong(r, JAILBREAK, "do\\s+anything\\s+now", "dan\\s+mode", "developer\\s+mode\\s+enabled", "jailbreak", "jailbroken",
                "bypass\\s+(your\\s+|the\\s+|all\\s+)?(safety|content|moderation)\\s+(filters?|guidelines|restrictions|rules)",
                "pretend\\s+(that\\s+)?(you\\s+)?(have|are)\\s+(no|without)\\s+(restrictions|limitations|rules|filters)",
                "act\\s+as\\s+if\\s+you\\s+(have|had)\\s+no\\s+(ethics|morals|guidelines|restrictions)",
                "without\\s+any\\s+(restrictions|filters|censorship)");
        strong(r, CODE_INJECTION, "eval\\(", "exec\\(", "os\\.(system|popen|exec[a-z]*)\\s*\\(",
                "subprocess\\.(run|call|popen|check_output)\\s*\\(", "__import__\\s*\\(", "rm\\s+-rf\\s+/",
                "drop\\s+table\\s+\\w", "union\\s+(all\\s+)?select\\s", "or\\s+1\\s*=\\s*1",
                "curl\\s+\\S+\\s*\\|\\s*(ba)?sh", "wget\\s+\\S+\\s*\\|\\s*(ba)?sh");
        return List.copyOf(r);
    }

    private static void strong(List<PhraseRule> out, String label, String... phrases) {
        for (String p : phrases) out.add(PhraseRule.of(label, STRONG, p));
    }

    private static void weak(List<PhraseRule> out, String label, String... phrases) {
        for (String p : phrases) out.add(PhraseRule.of(label, WEAK, p));
    }
}
