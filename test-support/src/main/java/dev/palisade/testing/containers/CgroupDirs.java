package dev.palisade.testing.containers;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cgroup directories a container's {@code cgroupsPath} maps to in every mounted hierarchy (each cgroup v1
 * controller and the v2 tree), and their removal. runc creates missing ancestors but removes only the leaf, so
 * the fixture notes beforehand which directories do not exist yet and removes exactly those, once empty.
 */
final class CgroupDirs {
    private CgroupDirs() {}

    /** Directories this JVM's containers made runc create; shared ancestors go when the last user goes. */
    private static final Set<Path> CREATED_HERE = ConcurrentHashMap.newKeySet();

    /** Mount points of all cgroup hierarchies, v1 and v2. */
    static List<Path> hierarchies() {
        List<Path> roots = new ArrayList<>();
        for (HostMounts.Mount m : HostMounts.current()) {
            if (m.fsType().equals("cgroup") || m.fsType().equals("cgroup2")) roots.add(m.mountPoint());
        }
        return roots;
    }

    /** Where the cgroup v2 tree is mounted: /sys/fs/cgroup/unified on a hybrid host, /sys/fs/cgroup on a pure v2 one. */
    static Optional<Path> unifiedRoot() {
        for (HostMounts.Mount m : HostMounts.current()) {
            if (m.fsType().equals("cgroup2")) return Optional.of(m.mountPoint());
        }
        return Optional.empty();
    }

    static Path in(Path hierarchy, String cgroupsPath) {
        String rel = cgroupsPath.startsWith("/") ? cgroupsPath.substring(1) : cgroupsPath;
        return hierarchy.resolve(rel);
    }

    /** The directories, in every hierarchy, of cgroupsPath and its ancestors that do not exist now. */
    static List<Path> missing(String cgroupsPath) {
        List<Path> missing = new ArrayList<>();
        for (Path root : hierarchies()) {
            Path dir = in(root, cgroupsPath);
            while (dir != null && !dir.equals(root) && dir.startsWith(root)) {
                if (!Files.exists(dir)) missing.add(dir);
                dir = dir.getParent();
            }
        }
        return missing;
    }

    /** Notes dirs (from {@link #missing}) as created by this JVM, just before runc creates them. */
    static void noteCreated(List<Path> dirs) {
        CREATED_HERE.addAll(dirs);
    }

    /**
     * Removes, in every hierarchy, the directories along cgroupsPath that this JVM created and that are now empty.
     * Returns those that could not go (still holding another of this JVM's containers, or busy).
     */
    static List<Path> removeCreatedAlong(String cgroupsPath) {
        List<Path> candidates = new ArrayList<>();
        for (Path root : hierarchies()) {
            for (Path dir = in(root, cgroupsPath); dir != null && !dir.equals(root); dir = dir.getParent()) {
                if (CREATED_HERE.contains(dir)) candidates.add(dir);
            }
        }
        List<Path> left = removeEmpty(candidates);
        for (Path dir : candidates) if (!left.contains(dir)) CREATED_HERE.remove(dir);
        return left;
    }

    /**
     * Removes those of dirs that exist and are empty of child cgroups, deepest first; a directory that still holds
     * another container's cgroup stays (whoever removes that container takes it away later). Returns those left.
     */
    static List<Path> removeEmpty(List<Path> dirs) {
        List<Path> ordered = new ArrayList<>(dirs);
        ordered.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        List<Path> left = new ArrayList<>();
        for (Path dir : ordered) {
            if (!removeWithRetry(dir)) left.add(dir);
        }
        return left;
    }

    /** rmdir of a cgroup fails with EBUSY for a moment after its last process was killed: retry briefly. */
    private static boolean removeWithRetry(Path dir) {
        for (int attempt = 0; attempt < 40; attempt++) {
            try {
                Files.delete(dir);
                return true;
            } catch (NoSuchFileException gone) {
                return true;
            } catch (DirectoryNotEmptyException childCgroups) {
                return false;
            } catch (IOException busy) {
                if (hasChildDirectory(dir)) return false;
                sleep(50);
            }
        }
        return !Files.exists(dir);
    }

    private static boolean hasChildDirectory(Path dir) {
        try (var s = Files.list(dir)) {
            return s.anyMatch(Files::isDirectory);
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
