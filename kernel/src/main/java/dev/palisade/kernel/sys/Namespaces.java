package dev.palisade.kernel.sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Namespace identities as BPF programs see them: the inode numbers of /proc/&lt;pid&gt;/ns/*. */
public final class Namespaces {
    private Namespaces() {}

    /**
     * The host's mount namespace: pid 1's, or this process's own where pid 1 cannot be inspected (a
     * sandbox that denies ptrace access to pid 1; the agent itself runs in the host namespace).
     */
    public static long hostMountNamespace() {
        try {
            return mountNamespace(1);
        } catch (UncheckedIOException e) {
            return mountNamespace((int) ProcessHandle.current().pid());
        }
    }

    public static long mountNamespace(int pid) {
        return inode(pid, "mnt");
    }

    public static long pidNamespace(int pid) {
        return inode(pid, "pid");
    }

    private static long inode(int pid, String type) {
        Path ns = Path.of("/proc", Integer.toString(pid), "ns", type);
        try {
            return (Long) Files.getAttribute(ns, "unix:ino");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat " + ns, e);
        }
    }
}
