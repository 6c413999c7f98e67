package dev.palisade.testing.containers;

import dev.palisade.testing.HostCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Reads and changes the host's mount table (the JVM's mount namespace). */
final class HostMounts {
    private HostMounts() {}

    record Mount(Path mountPoint, String fsType) {}

    private static final Duration MOUNT_TIMEOUT = Duration.ofSeconds(30);

    static List<Mount> current() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/mountinfo", e);
        }
        List<Mount> mounts = new ArrayList<>(lines.size());
        for (String line : lines) {
            // "36 25 0:32 / /sys/fs/cgroup/memory rw,relatime shared:15 - cgroup cgroup rw,memory"
            int dash = line.indexOf(" - ");
            if (dash < 0) continue;
            String[] left = line.substring(0, dash).split(" ");
            String[] right = line.substring(dash + 3).split(" ");
            if (left.length < 5 || right.length < 1) continue;
            mounts.add(new Mount(Path.of(unescape(left[4])), right[0]));
        }
        return mounts;
    }

    /** Mounts at or below dir, deepest first (the order to unmount them in). */
    static List<Mount> under(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        List<Mount> found = new ArrayList<>();
        for (Mount m : current()) if (m.mountPoint().startsWith(abs)) found.add(m);
        found.sort(Comparator.comparingInt((Mount m) -> m.mountPoint().getNameCount()).reversed());
        return found;
    }

    /** A fresh tmpfs at dir: the container's root gets a superblock of its own, not the host's root filesystem. */
    static void mountTmpfs(Path dir, String sizeOption) {
        HostCommand.run(MOUNT_TIMEOUT, "mount", "-t", "tmpfs", "-o", "mode=0755," + sizeOption,
                "palisade-rootfs", dir.toString()).orThrow();
    }

    /** Unmounts everything at or below dir; a busy mount is detached lazily so that it can no longer be reached. */
    static void unmountAllUnder(Path dir) {
        for (int round = 0; round < 3; round++) {
            List<Mount> left = under(dir);
            if (left.isEmpty()) return;
            for (Mount m : left) {
                HostCommand.Result r = HostCommand.run(MOUNT_TIMEOUT, "umount", m.mountPoint().toString());
                if (!r.ok()) HostCommand.run(MOUNT_TIMEOUT, "umount", "-l", m.mountPoint().toString());
            }
        }
        if (!under(dir).isEmpty()) throw new IllegalStateException("cannot unmount everything under " + dir
                + ": " + under(dir));
    }

    /** mountinfo escapes space, tab, newline and backslash as three octal digits. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 4 <= s.length()) {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException ignored) {
                    // not an escape: keep the backslash
                }
            }
            b.append(c);
        }
        return b.toString();
    }
}
