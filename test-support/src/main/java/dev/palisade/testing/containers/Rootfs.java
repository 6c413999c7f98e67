package dev.palisade.testing.containers;

import dev.palisade.testing.BusyboxStatic;
import dev.palisade.testing.HostCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Lays out a container's root filesystem on a tmpfs of its own.
 *
 * <p>With the host's /usr (bound read-only by the OCI config) the layout is Debian's merged /usr: /bin, /sbin,
 * /lib and /lib64 are relative links into /usr, so /bin/bash, /usr/sbin/nginx and every dynamically linked host
 * program (whose interpreter is /lib64/ld-linux-x86-64.so.2) run unchanged. Without it, /bin holds a copy of
 * busybox-static and one link per applet.
 */
final class Rootfs {
    private Rootfs() {}

    /** A file the test wants in the rootfs. */
    record File(String path, byte[] content, int mode) {
        File {
            if (!path.startsWith("/") || path.equals("/") || !Path.of(path).normalize().toString().equals(path)) {
                throw new IllegalArgumentException("rootfs file path must be absolute and normalized: " + path);
            }
            if ((mode & ~0777) != 0) throw new IllegalArgumentException("rootfs file mode must be within 0777: "
                    + Integer.toOctalString(mode) + " for " + path);
        }
    }

    private static final List<String> MERGED_USR_LINKS = List.of("bin", "sbin", "lib", "lib64");

    static void build(Path rootfs, boolean hostUsr, String hostname, List<File> files) {
        try {
            Files.createDirectories(rootfs);
            HostMounts.mountTmpfs(rootfs, "size=256m");
            for (String d : List.of("proc", "sys", "dev", "etc", "root", "run", "var/log", "var/lib", "var/cache",
                    "home", "opt", "usr", "mnt")) {
                Files.createDirectories(rootfs.resolve(d));
            }
            for (String d : List.of("tmp", "var/tmp")) {
                Path p = Files.createDirectories(rootfs.resolve(d));
                HostCommand.run(Duration.ofSeconds(10), "chmod", "1777", p.toString()).orThrow();
            }
            if (hostUsr) {
                for (String l : MERGED_USR_LINKS) {
                    if (Files.isDirectory(Path.of("/usr", l))) {
                        Files.createSymbolicLink(rootfs.resolve(l), Path.of("usr", l));
                    }
                }
            } else {
                installBusybox(rootfs);
            }
            writeEtc(rootfs, hostname);
            for (File f : files) write(rootfs, hostUsr, f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build rootfs " + rootfs + ": " + e.getMessage(), e);
        }
    }

    private static void installBusybox(Path rootfs) throws IOException {
        Path busybox = BusyboxStatic.locate();
        Path bin = Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(busybox, bin.resolve("busybox"));
        setMode(bin.resolve("busybox"), 0755);
        String applets = HostCommand.run(Duration.ofSeconds(10), busybox.toString(), "--list").orThrow().stdout();
        for (String applet : applets.split("\n")) {
            applet = applet.strip();
            if (applet.isEmpty() || applet.equals("busybox") || applet.contains("/")) continue;
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        Files.createSymbolicLink(rootfs.resolve("sbin"), Path.of("bin"));
    }

    private static void writeEtc(Path rootfs, String hostname) throws IOException {
        Path etc = rootfs.resolve("etc");
        // www-data and nobody exist so that nginx and friends find the users their default configs name
        Files.writeString(etc.resolve("passwd"), """
                root:x:0:0:root:/root:/bin/sh
                www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
                nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
                """);
        Files.writeString(etc.resolve("group"), """
                root:x:0:
                www-data:x:33:
                nogroup:x:65534:
                """);
        Files.writeString(etc.resolve("hostname"), hostname + "\n");
        Files.writeString(etc.resolve("hosts"), "127.0.0.1\tlocalhost " + hostname + "\n::1\tlocalhost\n");
        Files.writeString(etc.resolve("nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files\n");
        Files.writeString(etc.resolve("resolv.conf"), "");
    }

    private static void write(Path rootfs, boolean hostUsr, File f) throws IOException {
        String rel = f.path().substring(1);
        String first = rel.contains("/") ? rel.substring(0, rel.indexOf('/')) : rel;
        if (hostUsr && (first.equals("usr") || MERGED_USR_LINKS.contains(first))) {
            throw new IllegalArgumentException("rootfs file " + f.path() + " would land under /usr, which is the "
                    + "host's /usr mounted read-only; put it elsewhere (/opt, /etc, /root) or use hostUsrReadOnly(false)");
        }
        Path target = rootfs.resolve(rel);
        Files.createDirectories(target.getParent());
        Files.write(target, f.content());
        setMode(target, f.mode());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void setMode(Path p, int mode) throws IOException {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
        };
        for (int bit = 0; bit < 9; bit++) if ((mode & (1 << bit)) != 0) perms.add(order[bit]);
        Files.setPosixFilePermissions(p, perms);
    }
}
