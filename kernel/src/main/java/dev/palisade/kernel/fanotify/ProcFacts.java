package dev.palisade.kernel.fanotify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What /proc says about a container when it is marked: its mount namespace and mounts (per-event reads are {@link ProcFiles}). */
final class ProcFacts {
    private ProcFacts() {}

    static String mountNamespace(String pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/mnt")).toString();
        } catch (IOException e) {
            return "";
        }
    }

    /** Filesystems whose files are never subject to path rules under fanotify: the kernel's pseudo filesystems. */
    private static final List<String> PSEUDO = List.of("proc", "sysfs", "cgroup", "cgroup2", "devpts", "mqueue",
            "securityfs", "debugfs", "tracefs", "bpf", "pstore", "hugetlbfs", "fusectl", "configfs", "binfmt_misc");

    /**
     * One of the container's mounts fanotify can mark.
     *
     * @param path     the mount point as a path the host can mark: /proc/<pid>/root + mount point
     * @param id       the mount id (what statx reports as the mount of a file opened through it)
     * @param soleView whether no other mount of the container shows the same filesystem: a file with one link found
     *                 through this mount then has one path in the container and no other
     */
    record Mount(String path, long id, boolean soleView) {}

    /** The container's markable mounts, read from its mountinfo. */
    static List<Mount> markableMounts(int pid) throws IOException {
        return markableMounts(Files.readAllLines(Path.of("/proc/" + pid + "/mountinfo")), pid);
    }

    /** Parses mountinfo lines (mount id, parent id, major:minor, root, mount point, ..., "-", fs type, ...). */
    static List<Mount> markableMounts(List<String> mountinfo, int pid) {
        record Line(long id, String device, String mountPoint, String fsType) {}
        List<Line> lines = new ArrayList<>();
        Map<String, Integer> views = new HashMap<>();
        for (String line : mountinfo) {
            String[] f = line.split(" ");
            int dash = java.util.Arrays.asList(f).indexOf("-");
            if (dash < 5 || dash + 1 >= f.length) continue;
            Line l = new Line(Long.parseLong(f[0]), f[2], f[4].replace("\\040", " "), f[dash + 1]);
            lines.add(l);
            views.merge(l.device(), 1, Integer::sum);
        }
        List<Mount> out = new ArrayList<>();
        for (Line l : lines) {
            if (PSEUDO.contains(l.fsType())) continue;
            out.add(new Mount("/proc/" + pid + "/root" + (l.mountPoint().equals("/") ? "" : l.mountPoint()), l.id(),
                    views.get(l.device()) == 1));
        }
        return out;
    }
}
