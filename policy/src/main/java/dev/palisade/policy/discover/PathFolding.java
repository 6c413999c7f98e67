package dev.palisade.policy.discover;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Folds observed file paths into directory rules where listing them one by one would be brittle: a directory
 * with at least {@code threshold} distinct entries seen, or holding entries whose names change from run to run
 * (process ids, hashes, random temporary names), becomes one recursive directory rule. The root itself is never
 * folded. What is left stays an exact path.
 */
final class PathFolding {
    /** Names that differ per run: numbers, long hex, UUIDs, mktemp-style suffixes. */
    private static final Pattern VOLATILE_NAME = Pattern.compile(
            "\\d+|[0-9a-f]{16,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|.*\\.[A-Za-z0-9]{6}|tmp[._-]?[A-Za-z0-9]{6,}");

    /** A learned file rule: an exact path, or a directory covering the listed paths. */
    record FileRule(String resource, boolean directory, Usage usage, List<String> covered) {}

    private static final class Node {
        final Map<String, Node> children = new TreeMap<>();
        Usage usage; // set when the path itself was observed
    }

    static List<FileRule> fold(Map<String, Usage> files, int threshold) {
        Node root = new Node();
        for (Map.Entry<String, Usage> e : files.entrySet()) {
            Node n = root;
            for (String part : e.getKey().substring(1).split("/")) {
                if (part.isEmpty()) continue;
                n = n.children.computeIfAbsent(part, k -> new Node());
            }
            n.usage = n.usage == null ? new Usage() : n.usage;
            n.usage.addAll(e.getValue());
        }
        List<FileRule> rules = new ArrayList<>();
        for (Map.Entry<String, Node> top : root.children.entrySet()) {
            walk("/" + top.getKey(), top.getValue(), threshold, rules);
        }
        return rules;
    }

    /**
     * Emits the rules for the subtree at {@code path}, deepest first: a directory folds when its files seen
     * directly plus its subdirectories that folded reach the threshold, or when a child's name is volatile.
     */
    private static void walk(String path, Node n, int threshold, List<FileRule> out) {
        List<FileRule> below = new ArrayList<>();
        for (Map.Entry<String, Node> c : n.children.entrySet()) walk(path + "/" + c.getKey(), c.getValue(), threshold, below);
        long direct = n.children.values().stream().filter(c -> c.children.isEmpty() && c.usage != null).count();
        long foldedDirs = below.stream().filter(r -> r.directory() && isChild(path, r.resource())).count();
        boolean volatileChildren = n.children.keySet().stream().anyMatch(c -> VOLATILE_NAME.matcher(c).matches());
        if (!n.children.isEmpty() && (direct + foldedDirs >= threshold || volatileChildren)) {
            Usage all = new Usage();
            List<String> covered = new ArrayList<>();
            collect(path, n, all, covered);
            out.add(new FileRule(path + "/", true, all, covered));
            return;
        }
        if (n.usage != null) out.add(new FileRule(path, false, n.usage, List.of(path)));
        out.addAll(below);
    }

    /** {@code dir} (ending in '/') is a direct subdirectory of {@code parent}. */
    private static boolean isChild(String parent, String dir) {
        String rest = dir.substring(parent.length() + 1, dir.length() - 1);
        return dir.startsWith(parent + "/") && !rest.contains("/");
    }

    private static void collect(String path, Node n, Usage into, List<String> covered) {
        if (n.usage != null) {
            into.addAll(n.usage);
            covered.add(path);
        }
        for (Map.Entry<String, Node> c : n.children.entrySet()) collect(path + "/" + c.getKey(), c.getValue(), into, covered);
    }
}
