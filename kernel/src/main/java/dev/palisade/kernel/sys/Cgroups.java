package dev.palisade.kernel.sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** cgroup v2 helpers: where the unified hierarchy is mounted and the ids BPF programs see. */
public final class Cgroups {
    private Cgroups() {}

    /** The cgroup2 mount point (/sys/fs/cgroup on unified hosts, /sys/fs/cgroup/unified on hybrid ones). */
    public static Optional<Path> cgroup2MountPoint() {
        return MountTable.current().lastOfType("cgroup2").map(e -> Path.of(e.mountPoint()));
    }

    public static Path requireCgroup2MountPoint() {
        return cgroup2MountPoint().orElseThrow(() -> new IllegalStateException(
                "no cgroup2 filesystem in /proc/self/mountinfo: the monitor filters by cgroup v2 id and needs one"));
    }

    /** The cgroup v2 id of a cgroup directory: its inode number, which bpf_get_current_cgroup_id() returns. */
    public static long cgroupId(Path cgroupDirectory) {
        try {
            return (Long) Files.getAttribute(cgroupDirectory, "unix:ino");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat cgroup " + cgroupDirectory, e);
        }
    }

    /** The cgroup v2 directory of a process (from the "0::" line of /proc/&lt;pid&gt;/cgroup). */
    public static Path cgroupOf(int pid) {
        Path file = Path.of("/proc", Integer.toString(pid), "cgroup");
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("0::")) {
                    String relative = line.substring(3);
                    return requireCgroup2MountPoint().resolve(relative.startsWith("/") ? relative.substring(1) : relative);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        throw new IllegalStateException(file + " has no cgroup v2 (0::) line");
    }
}
