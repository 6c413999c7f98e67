package dev.palisade.policy.load;

import java.util.Map;

/** Where each field of a document was written: field path to 1-based line. Empty for objects from the API server. */
public record LineIndex(Map<String, Integer> lines, int documentLine) {

    public static final LineIndex NONE = new LineIndex(Map.of(), 0);

    public LineIndex {
        lines = Map.copyOf(lines);
    }

    /** The line of the field, else of its nearest written ancestor, else of the document start. */
    public int lineOf(String fieldPath) {
        String p = fieldPath;
        while (p != null && !p.isEmpty()) {
            Integer l = lines.get(p);
            if (l != null) return l;
            p = parentOf(p);
        }
        return documentLine;
    }

    private static String parentOf(String p) {
        int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
        return cut <= 0 ? null : p.substring(0, cut);
    }
}
