package dev.palisade.kernel.fanotify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What /proc says about a task or a container: cgroup, executable, uid, terminal, mounts. */
final class ProcFacts {
    private ProcFacts() {}

    /** The cgroup v2 path of pid ("/kubepods/..."), or null when the task is gone. */
    static String cgroupPath(int pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
                if (line.startsWith("0::")) return line.substring(3);
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /** The executable of pid as the task sees it, or "" when gone. */
    static String exe(int pid) {
        try {
            String e = Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).toString();
            return e.endsWith(" (deleted)") ? e.substring(0, e.length() - 10) : e;
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    /** Parent pid and controlling terminal from one read of /proc/pid/stat; null when the task is gone. */
    record Stat(int ppid, boolean tty) {}

    static Stat stat(int pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // after "pid (comm) ": state ppid pgrp session tty_nr ...
            int i = s.lastIndexOf(')') + 2;
            int[] f = new int[5];
            for (int k = 0; k < 5; k++) {
                int end = s.indexOf(' ', i);
                f[k] = k == 0 ? 0 : Integer.parseInt(s, i, end, 10);
                i = end + 1;
            }
            return new Stat(f[1], f[4] != 0);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The parent's pid (field 4 of /proc/pid/stat), -1 when gone. */
    static int ppid(int pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return Integer.parseInt(s.substring(s.lastIndexOf(')') + 2).split(" ")[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Effective uid of pid, -1 when gone. */
    static int uid(int pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("Uid:")) return Integer.parseInt(line.split("\\s+")[2]);
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The task has a controlling terminal (tty_nr of /proc/pid/stat is not 0). */
    static boolean tty(int pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(f[4]) != 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

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
