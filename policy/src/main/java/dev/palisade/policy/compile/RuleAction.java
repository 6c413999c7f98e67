package dev.palisade.policy.compile;

/** A rule's action, strongest first: on the same resource Block beats Audit beats Allow. */
public enum RuleAction {
    BLOCK("Block"), AUDIT("Audit"), ALLOW("Allow");

    private final String text;

    RuleAction(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    public static RuleAction parse(String s) {
        return switch (s) {
            case "Allow" -> ALLOW;
            case "Audit" -> AUDIT;
            case "Block" -> BLOCK;
            default -> throw new IllegalArgumentException("unknown action " + s);
        };
    }
}
