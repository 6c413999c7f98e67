package dev.palisade.testing.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A real container started with runc (no Docker, no containerd): own mount, pid, ipc, uts and (by default)
 * network namespaces, a cgroup at a kubelet-like path, state in runc's state root where Palisade's container
 * discovery looks. Close it (try-with-resources); a JVM shutdown hook closes any a test left open.
 *
 * <pre>{@code
 * try (RuncContainer c = RuncContainer.builder().kubeletCgroup(podUid, "besteffort")
 *         .annotation("io.kubernetes.pod.name", "web").start()) {
 *     ExecResult r = c.exec("/bin/bash", "-c", "cat /proc/self/cgroup");
 * }
 * }</pre>
 */
public final class RuncContainer implements AutoCloseable {
    /** Where bundles live: on /run (tmpfs), so a reboot clears what a killed JVM could not. */
    static final Path BUNDLES = Path.of("/run/palisade-test/containers");
    public static final Path DEFAULT_STATE_ROOT = Path.of("/run/runc");
    public static final Duration DEFAULT_EXEC_TIMEOUT = Duration.ofSeconds(60);

    private final String id;
    private final Path bundle;
    private final String cgroupsPath;
    private final Runc runc;
    private final List<Path> createdCgroupDirs;
    private final List<Process> asyncExecs = new CopyOnWriteArrayList<>();
    private final AtomicInteger execCount = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long initPid = -1;

    private RuncContainer(String id, Path bundle, String cgroupsPath, Runc runc, List<Path> createdCgroupDirs) {
        this.id = id;
        this.bundle = bundle;
        this.cgroupsPath = cgroupsPath;
        this.runc = runc;
        this.createdCgroupDirs = createdCgroupDirs;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A random 64-hex-digit id, the shape kubelet and containerd give container ids. */
    public static String randomId() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public String id() {
        return id;
    }

    /** Host pid of the container's first process (pid 1 inside). */
    public long initPid() {
        return initPid;
    }

    public Path bundle() {
        return bundle;
    }

    public Path rootfs() {
        return bundle.resolve("rootfs");
    }

    public String cgroupsPath() {
        return cgroupsPath;
    }

    public Path stateRoot() {
        return runc.stateRoot();
    }

    /** runc's state.json for this container: init pid, cgroup paths, namespaces, config with annotations. */
    public Path stateFile() {
        return runc.stateRoot().resolve(id).resolve("state.json");
    }

    public JsonNode state() {
        return OciConfig.read(stateFile());
    }

    public JsonNode config() {
        return OciConfig.read(bundle.resolve("config.json"));
    }

    /** The container's cgroup in the v2 tree (under /sys/fs/cgroup/unified on this hybrid host). */
    public Path cgroupV2Path() {
        Path root = CgroupDirs.unifiedRoot()
                .orElseThrow(() -> new IllegalStateException("no cgroup2 hierarchy is mounted on this host"));
        return CgroupDirs.in(root, cgroupsPath);
    }

    /** The cgroup id BPF sees (bpf_get_current_cgroup_id): the inode number of the cgroup v2 directory. */
    public long cgroupId() {
        try {
            return ((Number) Files.getAttribute(cgroupV2Path(), "unix:ino")).longValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat " + cgroupV2Path(), e);
        }
    }

    /** What the container's main process wrote to stdout and stderr (with runc's own messages). */
    public String log() {
        try {
            return Files.readString(bundle.resolve("container.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    public ExecResult exec(String... argv) {
        return exec(DEFAULT_EXEC_TIMEOUT, argv);
    }

    /** runc exec: runs argv in the container, waits, captures exit code and output; throws after timeout. */
    public ExecResult exec(Duration timeout, String... argv) {
        requireOpen();
        int n = execCount.incrementAndGet();
        Path out = bundle.resolve("exec-" + n + ".out");
        Path err = bundle.resolve("exec-" + n + ".err");
        List<String> cmd = runc.execCommand(id, List.of(argv));
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroy(); // runc exec forwards SIGTERM to the process in the container
                if (!p.waitFor(2, TimeUnit.SECONDS)) p.destroyForcibly();
                throw new IllegalStateException("in container " + id + ": " + String.join(" ", argv)
                        + " did not finish within " + timeout + "; stdout so far: " + read(out).strip()
                        + "; stderr so far: " + read(err).strip());
            }
            return new ExecResult(List.of(argv), p.exitValue(), read(out), read(err));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run runc exec: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during exec in container " + id, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /**
     * runc exec without waiting, for long-running processes; stdio are pipes of the returned process. close()
     * ends it if the test did not.
     */
    public Process execAsync(String... argv) {
        requireOpen();
        try {
            Process p = new ProcessBuilder(runc.execCommand(id, List.of(argv))).start();
            asyncExecs.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run runc exec: " + e.getMessage(), e);
        }
    }

    /**
     * Kills every process of the container, deletes it from runc's state root, removes the cgroups it created
     * (v1 and v2) and the bundle. Idempotent. Throws if something could not be removed.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        List<String> problems = new ArrayList<>();
        for (Process p : asyncExecs) p.destroyForcibly();
        runc.killAll(id, "KILL");
        var deleted = runc.deleteForce(id);
        if (!deleted.ok() && Files.exists(runc.stateRoot().resolve(id))) problems.add(deleted.describe());
        if (initPid > 0 && !awaitInitDead(Duration.ofSeconds(10))) problems.add("init pid " + initPid + " still runs");
        for (Path leaf : CgroupDirs.removeEmpty(leafDirs())) problems.add("cgroup " + leaf + " is still there");
        CgroupDirs.removeCreatedAlong(cgroupsPath);
        try {
            HostMounts.unmountAllUnder(bundle);
            BundleDir.delete(bundle);
        } catch (RuntimeException e) {
            problems.add(e.getMessage());
        }
        OpenContainers.remove(this);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("cleanup of container " + id + " incomplete: " + String.join("; ", problems));
        }
    }

    /**
     * True while the container's init process runs. A killed init is an orphan (runc run -d does not stay its
     * parent) and may linger as a zombie until the host's pid 1 reaps it: that counts as not running.
     */
    public boolean initRunning() {
        if (initPid <= 0) return false;
        try {
            String stat = Files.readString(Path.of("/proc/" + initPid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    private boolean awaitInitDead(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (initRunning()) {
            if (System.nanoTime() > deadline) return false;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !initRunning();
            }
        }
        return true;
    }

    /** The container's own cgroup directories, those it created (not ones that existed before). */
    private List<Path> leafDirs() {
        List<Path> leaves = new ArrayList<>();
        for (Path root : CgroupDirs.hierarchies()) {
            Path leaf = CgroupDirs.in(root, cgroupsPath);
            if (createdCgroupDirs.contains(leaf)) leaves.add(leaf);
        }
        return leaves;
    }

    private void requireOpen() {
        if (closed.get()) throw new IllegalStateException("container " + id + " is closed");
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the bundle goes on close anyway
        }
    }

    /** Describes a container; {@link #start()} creates and starts it. */
    public static final class Builder {
        private String id = randomId();
        private String cgroupsPath;
        private String podUid;
        private String qosClass;
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private boolean hostUsr = true;
        private boolean hostNetwork;
        private String hostname;
        private String cwd = "/";
        private final List<Rootfs.File> files = new ArrayList<>();
        private List<String> command = List.of("/bin/sleep", "1000000000");
        private Path stateRoot = DEFAULT_STATE_ROOT;
        private final List<String> capabilities = new ArrayList<>();
        private final List<Consumer<ObjectNode>> configEdits = new ArrayList<>();
        private Duration startTimeout = Duration.ofSeconds(30);

        private Builder() {}

        public Builder id(String id) {
            if (!id.matches("[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}")) {
                throw new IllegalArgumentException("container id must match [A-Za-z0-9][A-Za-z0-9_.+-]*: " + id);
            }
            this.id = id;
            return this;
        }

        /**
         * A cgroup where kubelet's cgroupfs driver puts a pod's container:
         * /kubepods[/besteffort|/burstable]/pod&lt;uid&gt;/&lt;id&gt;.
         *
         * @param qosClass "besteffort", "burstable", or "" for a guaranteed pod
         */
        public Builder kubeletCgroup(String podUid, String qosClass) {
            if (!List.of("besteffort", "burstable", "").contains(qosClass)) {
                throw new IllegalArgumentException("qosClass must be besteffort, burstable or \"\" (guaranteed): "
                        + qosClass);
            }
            if (!podUid.matches("[A-Za-z0-9_-]+")) throw new IllegalArgumentException("bad pod uid: " + podUid);
            this.podUid = podUid;
            this.qosClass = qosClass;
            this.cgroupsPath = null;
            return this;
        }

        /** An explicit cgroupsPath (absolute, as in config.json). Default: /palisade-test/&lt;id&gt;. */
        public Builder cgroupsPath(String path) {
            if (!path.startsWith("/") || path.contains("..")) {
                throw new IllegalArgumentException("cgroupsPath must be absolute without '..': " + path);
            }
            this.cgroupsPath = path;
            this.podUid = null;
            return this;
        }

        public Builder annotation(String key, String value) {
            annotations.put(key, value);
            return this;
        }

        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /** Binds the host's /usr read-only (default true): bash, nginx, the JDK and their libraries run inside. */
        public Builder hostUsrReadOnly(boolean on) {
            this.hostUsr = on;
            return this;
        }

        /** Shares the host's network namespace (default: a namespace of its own with loopback only). */
        public Builder hostNetwork(boolean on) {
            this.hostNetwork = on;
            return this;
        }

        public Builder hostname(String name) {
            this.hostname = name;
            return this;
        }

        public Builder cwd(String dir) {
            this.cwd = dir;
            return this;
        }

        /** A file in the rootfs (not under /usr when the host's /usr is bound), mode within 0777. */
        public Builder rootfsFile(String pathInContainer, String content, int mode) {
            return rootfsFile(pathInContainer, Rootfs.utf8(content), mode);
        }

        public Builder rootfsFile(String pathInContainer, byte[] content, int mode) {
            files.add(new Rootfs.File(pathInContainer, content.clone(), mode));
            return this;
        }

        /** The container's main process. Default: sleep until killed. */
        public Builder command(String... argv) {
            if (argv.length == 0) throw new IllegalArgumentException("command needs at least the program");
            this.command = List.of(argv);
            return this;
        }

        /** runc --root (default /run/runc, where Palisade's discovery looks). */
        public Builder stateRoot(Path root) {
            this.stateRoot = root;
            return this;
        }

        /** Adds capabilities (CAP_SETUID or SETUID) to every set; runc's default keeps only three. */
        public Builder addCapabilities(String... caps) {
            capabilities.addAll(List.of(caps));
            return this;
        }

        /** A last edit of config.json, for what the builder does not cover. */
        public Builder configure(Consumer<ObjectNode> edit) {
            configEdits.add(edit);
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** Creates the bundle and starts the container; on failure cleans up and throws with runc's message. */
        public RuncContainer start() {
            LeftoverReaper.reapOnce(BUNDLES);
            String path = resolvedCgroupsPath();
            Runc runc = new Runc(stateRoot);
            Path bundle = BUNDLES.resolve(id);
            if (Files.exists(bundle)) throw new IllegalStateException("a bundle for container " + id + " exists");
            List<Path> created = CgroupDirs.missing(path);
            RuncContainer c = new RuncContainer(id, bundle, path, runc, created);
            OpenContainers.add(c);
            try {
                Files.createDirectories(bundle);
                BundleOwner.ofThisJvm(id, stateRoot, path, created).writeTo(bundle);
                Rootfs.build(bundle.resolve("rootfs"), hostUsr, hostname(), files);
                runc.spec(bundle);
                OciConfig config = OciConfig.fromSpec(bundle)
                        .process(command, env, cwd)
                        .writableRoot(hostname())
                        .cgroupsPath(path)
                        .annotations(annotations)
                        .addCapabilities(capabilities);
                if (hostUsr) config.hostUsr();
                if (hostNetwork) config.hostNetwork();
                for (Consumer<ObjectNode> edit : configEdits) edit.accept(config.json());
                config.write(bundle);
                CgroupDirs.noteCreated(created);
                Path pidFile = bundle.resolve("init.pid");
                runc.runDetached(id, bundle, pidFile, bundle.resolve("container.log"), startTimeout);
                c.initPid = Long.parseLong(Files.readString(pidFile).strip());
                return c;
            } catch (IOException | RuntimeException e) {
                try {
                    c.close();
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                if (e instanceof IOException io) throw new UncheckedIOException("cannot start container " + id, io);
                throw (RuntimeException) e;
            }
        }

        private String hostname() {
            return hostname != null ? hostname : id.substring(0, Math.min(12, id.length()));
        }

        private String resolvedCgroupsPath() {
            if (cgroupsPath != null) return cgroupsPath;
            if (podUid != null) {
                return "/kubepods" + (qosClass.isEmpty() ? "" : "/" + qosClass) + "/pod" + podUid + "/" + id;
            }
            return "/palisade-test/" + id;
        }
    }
}
