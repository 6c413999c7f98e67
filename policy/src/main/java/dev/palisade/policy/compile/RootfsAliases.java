package dev.palisade.policy.compile;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Path aliases read from a container's root filesystem. The kernel reports paths with symlinks resolved
 * ({@code /usr/bin/bash} on a merged-/usr image), while policies are written as users type them
 * ({@code /bin/bash}). For a policy path this adds:
 * <ul>
 *   <li>the path with every symlink resolved inside the root (never escaping it), and</li>
 *   <li>the spellings through the root's top-level symlinks ({@code /bin -> usr/bin}), so a rule on
 *       {@code /usr/bin/bash} also covers an event reported as {@code /bin/bash}.</li>
 * </ul>
 * Directory paths keep their trailing '/'. Results are cached; a new instance sees a changed filesystem.
 */
public final class RootfsAliases implements PathAliases {
    private static final int MAX_LINKS = 40;
    private final Path root;
    private final Map<String, List<String>> cache = new ConcurrentHashMap<>();
    /** Top-level symlinks of the root: link path to resolved target path ({@code /bin} to {@code /usr/bin}). */
    private final Map<String, String> topLinks;

    public RootfsAliases(Path root) {
        this.root = root;
        this.topLinks = readTopLinks();
    }

    @Override
    public List<String> aliases(String path) {
        return cache.computeIfAbsent(path, this::compute);
    }

    private List<String> compute(String path) {
        boolean dir = path.endsWith("/") && path.length() > 1;
        String bare = dir ? path.substring(0, path.length() - 1) : path;
        Set<String> out = new LinkedHashSet<>();
        out.add(path);
        String resolved = resolve(bare);
        if (resolved != null) out.add(dir ? resolved + "/" : resolved);
        for (String spelling : new ArrayList<>(out)) {
            String b = spelling.endsWith("/") && spelling.length() > 1 ? spelling.substring(0, spelling.length() - 1) : spelling;
            for (Map.Entry<String, String> link : topLinks.entrySet()) {
                String target = link.getValue();
                if (b.startsWith(target + "/")) {
                    String via = link.getKey() + b.substring(target.length());
                    out.add(dir ? via + "/" : via);
                }
            }
        }
        return List.copyOf(out);
    }

    /** The path with symlinks resolved inside the root; null when a component is missing or links loop. */
    String resolve(String path) {
        List<String> done = new ArrayList<>();
        ArrayList<String> todo = new ArrayList<>(List.of(path.split("/")));
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.removeFirst();
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                if (!done.isEmpty()) done.removeLast();
                continue;
            }
            done.add(part);
            Path onDisk = root.resolve(String.join("/", done));
            if (Files.isSymbolicLink(onDisk)) {
                if (++links > MAX_LINKS) return null;
                String target;
                try {
                    target = Files.readSymbolicLink(onDisk).toString();
                } catch (IOException e) {
                    return null;
                }
                done.removeLast();
                if (target.startsWith("/")) done.clear();
                List<String> rest = new ArrayList<>(List.of(target.split("/")));
                rest.addAll(todo);
                todo = new ArrayList<>(rest);
            } else if (!Files.exists(onDisk, LinkOption.NOFOLLOW_LINKS)) {
                // Not there (yet): keep the rest as written.
                done.addAll(todo.stream().filter(p -> !p.isEmpty() && !p.equals(".")).toList());
                return "/" + String.join("/", done);
            }
        }
        return "/" + String.join("/", done);
    }

    private Map<String, String> readTopLinks() {
        Map<String, String> links = new java.util.TreeMap<>();
        try (DirectoryStream<Path> top = Files.newDirectoryStream(root)) {
            for (Path p : top) {
                if (!Files.isSymbolicLink(p)) continue;
                String name = "/" + p.getFileName();
                String target = resolve(name);
                if (target != null && !target.equals(name) && Files.isDirectory(root.resolve(target.substring(1)))) {
                    links.put(name, target);
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return Map.copyOf(links);
    }
}
