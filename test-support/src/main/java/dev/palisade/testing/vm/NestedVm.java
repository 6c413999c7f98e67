package dev.palisade.testing.vm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A nested VM for what the host kernel cannot do (BPF-LSM): a stock Debian 6.1 kernel, fetched with
 * {@code apt-get download} and cached (never installed), booted under qemu TCG with the uncompressed vmlinux (PVH
 * entry, seconds to boot), the host root shared read-only over 9p and a read-write shared directory. Commands run
 * one after another, chrooted in the host root as root, so the guest uses the host's JDK, libbpf and build output at
 * the same paths. Several commands per boot: the guest's init polls the shared directory for command files.
 *
 * <pre>{@code
 * try (NestedVm vm = NestedVm.builder(NestedVm.Kernel.debianStock()).boot()) {
 *     GuestResult r = vm.run("/bin/sh", "-c", "cat /sys/kernel/security/lsm");
 * }
 * }</pre>
 */
public final class NestedVm implements AutoCloseable {
    private static final String MODULES = "virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p";

    /** An extracted stock kernel: the uncompressed vmlinux (PVH entry, fast under TCG) and its modules. */
    public record Kernel(Path vmlinux, Path modules, String version) {
        public static Kernel debianStock() throws IOException, InterruptedException {
            String env = System.getenv("PALISADE_VM_CACHE");
            Path cache = env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache/palisade/vm-kernel");
            Files.createDirectories(cache);
            Path root = cache.resolve("kernel");
            if (!Files.isDirectory(root.resolve("boot"))) {
                String pkg = sh(cache, "apt-cache depends linux-image-amd64 | sed -n 's/.*Depends: \\(linux-image-6\\.1\\.[^ ]*\\)/\\1/p' | head -1").strip();
                if (pkg.isEmpty()) throw new IOException("apt-cache knows no linux-image-6.1 package (apt-get update?)");
                sh(cache, "ls " + pkg + "_*.deb >/dev/null 2>&1 || apt-get download " + pkg);
                sh(cache, "rm -rf kernel.tmp && dpkg-deb -x " + pkg + "_*.deb kernel.tmp && mv kernel.tmp kernel");
            }
            Path vmlinuz;
            try (Stream<Path> s = Files.list(root.resolve("boot"))) {
                vmlinuz = s.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).findFirst()
                        .orElseThrow(() -> new IOException("no vmlinuz in " + root.resolve("boot")));
            }
            String version = vmlinuz.getFileName().toString().substring("vmlinuz-".length());
            Path vmlinux = cache.resolve("vmlinux-" + version);
            if (!Files.exists(vmlinux)) {
                sh(cache, "python3 -c 'import lzma,sys; d=open(sys.argv[1],\"rb\").read(); i=d.find(b\"\\xfd7zXZ\\x00\"); "
                        + "open(sys.argv[2]+\".tmp\",\"wb\").write(lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(d[i:]))' "
                        + vmlinuz + " " + vmlinux + " && mv " + vmlinux + ".tmp " + vmlinux);
            }
            return new Kernel(vmlinux, root.resolve("lib/modules").resolve(version), version);
        }
    }

    public static Builder builder(Kernel kernel) {
        return new Builder(kernel);
    }

    public static final class Builder {
        private final Kernel kernel;
        private int memoryMb = 2048, cpus = 2;
        private String lsm = "lockdown,capability,landlock,yama,bpf";
        private Duration timeout = Duration.ofMinutes(5);

        private Builder(Kernel kernel) {
            this.kernel = kernel;
        }

        public Builder memoryMb(int mb) { memoryMb = mb; return this; }

        public Builder cpus(int n) { cpus = n; return this; }

        public Builder lsm(String s) { lsm = s; return this; }

        public Builder timeout(Duration d) { timeout = d; return this; }

        public NestedVm boot() throws IOException, InterruptedException {
            return new NestedVm(this);
        }
    }

    private final Path work;
    private final Path shared;
    private final Path console;
    private final Process qemu;
    private final long deadline;
    private int next;
    private final long bootMillis;

    private NestedVm(Builder b) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        deadline = t0 + b.timeout.toNanos();
        work = Files.createTempDirectory("palisade-vm");
        shared = Files.createDirectory(work.resolve("shared"));
        console = work.resolve("console.log");
        Path initrd = buildInitramfs(b.kernel);
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-nodefaults", "-no-user-config", "-machine", "pc",
                "-accel", "tcg,thread=multi", "-cpu", "max", "-smp", Integer.toString(b.cpus), "-m", Integer.toString(b.memoryMb),
                "-display", "none", "-monitor", "none", "-serial", "file:" + console, "-no-reboot",
                "-kernel", b.kernel.vmlinux().toString(), "-initrd", initrd.toString(),
                // loglevel=5: warnings reach the console, so a stall the guest reports (soft lockup, RCU stall) comes
                // with the stacks of every vCPU in the failure message; informational boot messages stay out
                "-append", "console=ttyS0 lsm=" + b.lsm + " panic=-1 loglevel=5 softlockup_all_cpu_backtrace=1",
                "-virtfs", "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap",
                "-virtfs", "local,path=" + shared + ",mount_tag=shared,security_model=none,multidevs=remap"));
        qemu = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("qemu.out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            while (!log().contains("@@ READY")) {
                if (!qemu.isAlive()) throw new IOException("qemu exited (" + qemu.exitValue() + ") before the guest was ready:\n" + log()
                        + Files.readString(work.resolve("qemu.out")));
                if (log().contains("@@ FAILED") || System.nanoTime() > deadline) throw new IOException("guest not ready:\n" + log());
                Thread.sleep(50);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
        bootMillis = (System.nanoTime() - t0) / 1_000_000;
    }

    public long bootMillis() {
        return bootMillis;
    }

    /** The host directory the guest sees read-write at /run/shared. */
    public Path sharedDirectory() {
        return shared;
    }

    /** Runs argv in the guest (chrooted in the host root, as root) and waits for it. */
    public GuestResult run(String... argv) throws IOException, InterruptedException {
        StringBuilder script = new StringBuilder("exec");
        for (String a : argv) script.append(" '").append(a.replace("'", "'\\''")).append('\'');
        return script(script.append('\n').toString());
    }

    /** Runs a /bin/sh script in the guest and waits for it. */
    public synchronized GuestResult script(String text) throws IOException, InterruptedException {
        int n = next++;
        Path tmp = shared.resolve("cmd-" + n + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, shared.resolve("cmd-" + n), StandardCopyOption.ATOMIC_MOVE);
        Path rc = shared.resolve("rc-" + n);
        while (!Files.exists(rc)) {
            if (!qemu.isAlive()) throw new IOException("the VM died while running command " + n + ":\n" + log());
            if (System.nanoTime() > deadline) throw new IOException("VM timeout while running command " + n + ":\n" + log());
            Thread.sleep(20);
        }
        int code = Integer.parseInt(Files.readString(rc).strip());
        return new GuestResult(code, Files.readString(shared.resolve("out-" + n)), Files.readString(shared.resolve("err-" + n)), log());
    }

    public String log() {
        try {
            return Files.exists(console) ? new String(Files.readAllBytes(console), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path buildInitramfs(Kernel k) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(work.resolve("initramfs"));
        for (String d : List.of("bin", "lib/modules", "dev", "proc", "sys", "host")) Files.createDirectories(dir.resolve(d));
        Files.copy(Path.of("/bin/busybox"), dir.resolve("bin/busybox"));
        try (var in = NestedVm.class.getResourceAsStream("init")) {
            Files.write(dir.resolve("init"), in.readAllBytes());
        }
        dir.resolve("init").toFile().setExecutable(true);
        for (String m : MODULES.split(" ")) {
            Path ko;
            try (Stream<Path> s = Files.walk(k.modules())) {
                ko = s.filter(p -> p.getFileName().toString().equals(m + ".ko")).findFirst()
                        .orElseThrow(() -> new IOException("module " + m + " not in " + k.modules()));
            }
            Files.copy(ko, dir.resolve("lib/modules/" + m + ".ko"));
        }
        Path out = work.resolve("initrd.cpio");
        sh(dir, "mknod dev/console c 5 1 && find . | cpio -o -H newc --quiet > " + out);
        return out;
    }

    private static String sh(Path dir, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/sh", "-c", command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) throw new IOException("`" + command + "` failed:\n" + out);
        return out;
    }

    @Override
    public void close() {
        try {
            if (qemu.isAlive()) {
                Path cmd = shared.resolve("cmd-" + next);
                Files.writeString(cmd, "poweroff");
                if (!qemu.waitFor(10, TimeUnit.SECONDS)) qemu.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (IOException | InterruptedException e) {
            qemu.destroyForcibly();
        }
    }
}
