package dev.palisade.policy.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.policy.load.FieldPath;
import dev.palisade.policy.load.LineIndex;
import dev.palisade.policy.load.Problem;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks a document against a {@link SchemaNode} tree the way the Kubernetes API server checks a custom resource,
 * and, unlike it, reports unknown fields as errors instead of silently dropping them (a misspelt
 * {@code matchPath} would otherwise leave a workload unprotected).
 */
public final class SchemaValidator {
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    private final String source;
    private final LineIndex lines;
    private final List<Problem> problems;

    private SchemaValidator(String source, LineIndex lines, List<Problem> problems) {
        this.source = source;
        this.lines = lines;
        this.problems = problems;
    }

    /** Adds a problem to {@code problems} for everything in {@code tree} that {@code schema} does not allow. */
    public static void validate(JsonNode tree, SchemaNode schema, String source, LineIndex lines, List<Problem> problems) {
        new SchemaValidator(source, lines, problems).check(tree, schema, "");
    }

    private void error(String path, String reason) {
        problems.add(Problem.error(source, lines.lineOf(path), path, reason));
    }

    private void check(JsonNode v, SchemaNode s, String path) {
        if (v == null || v.isNull()) return; // absent and null are the same to Kubernetes for optional fields
        switch (s.type()) {
            case "object" -> checkObject(v, s, path);
            case "array" -> checkArray(v, s, path);
            case "string" -> checkString(v, s, path);
            case "integer" -> checkInteger(v, s, path);
            case "boolean" -> {
                if (!v.isBoolean()) error(path, "must be true or false" + got(v));
            }
            default -> throw new IllegalStateException("schema type " + s.type());
        }
    }

    private void checkObject(JsonNode v, SchemaNode s, String path) {
        if (!v.isObject()) {
            error(path, "must be a mapping (object)" + got(v));
            return;
        }
        for (String r : s.required()) {
            JsonNode child = v.get(r);
            if (child == null || child.isNull()) error(FieldPath.child(path, r), "required field is missing");
        }
        if (s.preserveUnknownFields()) return;
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String childPath = FieldPath.child(path, e.getKey());
            SchemaNode child = s.properties().get(e.getKey());
            if (child == null) child = s.additionalProperties();
            if (child == null) {
                error(childPath, "unknown field" + suggestion(e.getKey(), s));
            } else {
                check(e.getValue(), child, childPath);
            }
        }
    }

    private void checkArray(JsonNode v, SchemaNode s, String path) {
        if (!v.isArray()) {
            error(path, "must be a list" + got(v));
            return;
        }
        if (s.maxItems() != null && v.size() > s.maxItems()) {
            error(path, "must have at most " + s.maxItems() + " items (has " + v.size() + ")");
        }
        for (int i = 0; i < v.size(); i++) check(v.get(i), s.items(), FieldPath.index(path, i));
    }

    private void checkString(JsonNode v, SchemaNode s, String path) {
        if (!v.isTextual()) {
            error(path, "must be a string" + got(v));
            return;
        }
        String text = v.asText();
        if (!s.enumValues().isEmpty() && !s.enumValues().contains(text)) {
            error(path, "must be one of " + String.join(", ", s.enumValues()) + " (got \"" + text + "\")");
            return;
        }
        if (s.maxLength() != null && text.length() > s.maxLength()) {
            error(path, "must be at most " + s.maxLength() + " characters (has " + text.length() + ")");
        }
        if (s.pattern() != null && !PATTERNS.computeIfAbsent(s.pattern(), Pattern::compile).matcher(text).find()) {
            error(path, describePattern(s.pattern()) + " (got \"" + text + "\")");
        }
    }

    private void checkInteger(JsonNode v, SchemaNode s, String path) {
        if (!v.isIntegralNumber()) {
            error(path, "must be an integer" + got(v));
            return;
        }
        long n = v.asLong();
        if (s.minimum() != null && n < s.minimum()) error(path, "must be at least " + s.minimum() + " (got " + n + ")");
        if (s.maximum() != null && n > s.maximum()) error(path, "must be at most " + s.maximum() + " (got " + n + ")");
    }

    private static String got(JsonNode v) {
        String kind = v.isObject() ? "a mapping" : v.isArray() ? "a list" : v.isTextual() ? "\"" + v.asText() + "\""
                : v.toString();
        return " (got " + kind + ")";
    }

    /** Users read "must start with '/'", not a regular expression. */
    private static String describePattern(String pattern) {
        if (pattern.equals(PolicySchemas.PATH_PATTERN)) return "must be an absolute path: start with '/' and not end with '/'";
        if (pattern.equals(PolicySchemas.DIR_PATTERN)) return "must be a directory: '/' or start and end with '/'";
        if (pattern.equals(PolicySchemas.EXECNAME_PATTERN)) return "must be a bare executable name without '/'";
        if (pattern.startsWith("(tcp|")) return "must be a protocol: " + String.join(", ", PolicySchemas.PROTOCOLS);
        if (pattern.startsWith("(chown|")) return "must be a capability name such as net_raw or sys_admin";
        return "must match " + pattern;
    }

    /** "did you mean" for a misspelt field: a known property at edit distance 1–2. */
    private static String suggestion(String key, SchemaNode s) {
        String best = null;
        int bestDistance = 3;
        for (String known : s.properties().keySet()) {
            int d = distance(key.toLowerCase(java.util.Locale.ROOT), known.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = known;
            }
        }
        if (best != null) return " (did you mean '" + best + "'?)";
        if (s.properties().isEmpty()) return "";
        return " (known: " + String.join(", ", s.properties().keySet()) + ")";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
