package dev.palisade.policy.load;

/** Builds field paths in the form users read them: {@code spec.process.matchPaths[1].path}. */
public final class FieldPath {
    private FieldPath() {}

    public static String child(String parent, String key) {
        boolean plain = !key.isEmpty() && key.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-');
        if (!plain) return parent + "[\"" + key.replace("\"", "\\\"") + "\"]";
        return parent.isEmpty() ? key : parent + "." + key;
    }

    public static String index(String parent, int i) {
        return parent + "[" + i + "]";
    }
}
