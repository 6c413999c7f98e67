package dev.palisade.kernel.fanotify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    /** The container's mount points, as paths the host can mark: /proc/<pid>/root + mount point. */
    static List<String> markableMounts(int pid) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/mountinfo"))) {
            String[] f = line.split(" ");
            int dash = java.util.Arrays.asList(f).indexOf("-");
            if (dash < 0 || dash + 1 >= f.length) continue;
            String fsType = f[dash + 1];
            if (PSEUDO.contains(fsType)) continue;
            String mountPoint = f[4].replace("\\040", " ");
            out.add("/proc/" + pid + "/root" + (mountPoint.equals("/") ? "" : mountPoint));
        }
        return out;
    }
}
