package dev.palisade.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds out whether this machine offers a {@link Need}; answers with the reason when it does not. */
public final class MachineCheck {
    private MachineCheck() {}

    /** Empty when the need is met, else a one-line reason. */
    public static Optional<String> missing(Need need) {
        return switch (need) {
            case ROOT -> isRoot() ? Optional.empty() : Optional.of("needs root (euid 0)");
            case BPF -> firstOf(missing(Need.ROOT),
                    exists("/sys/kernel/btf/vmlinux", "needs kernel BTF at /sys/kernel/btf/vmlinux"),
                    library("libbpf.so.1", "needs libbpf.so.1 (Debian package libbpf1)"));
            case RUNC -> firstOf(missing(Need.ROOT), onPath("runc", "needs runc on PATH (Debian package runc)"));
            case NESTED_VM -> firstOf(missing(Need.ROOT),
                    onPath("qemu-system-x86_64", "needs qemu-system-x86_64 (Debian package qemu-system-x86)"));
            case FANOTIFY -> firstOf(missing(Need.ROOT),
                    exists("/proc/sys/fs/fanotify", "needs a kernel with fanotify"));
        };
    }

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String[] f = line.split("\\s+");
                    return f.length > 2 && f[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** The absolute path of an executable found on PATH (or in the sbin directories root uses). */
    public static Optional<Path> which(String program) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/local/sbin:/usr/sbin:/sbin";
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    @SafeVarargs
    private static Optional<String> firstOf(Optional<String>... checks) {
        for (Optional<String> c : checks) if (c.isPresent()) return c;
        return Optional.empty();
    }

    private static Optional<String> exists(String path, String reason) {
        return Files.exists(Path.of(path)) ? Optional.empty() : Optional.of(reason);
    }

    private static Optional<String> onPath(String program, String reason) {
        return which(program).isPresent() ? Optional.empty() : Optional.of(reason);
    }

    private static Optional<String> library(String name, String reason) {
        for (String dir : new String[] {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib"}) {
            if (Files.exists(Path.of(dir, name))) return Optional.empty();
        }
        return Optional.of(reason);
    }
}
