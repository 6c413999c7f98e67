package dev.palisade.kernel.fanotify;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.palisade.kernel.enforce.EnforcementEvent;
import dev.palisade.kernel.enforce.EnforcementException;
import dev.palisade.kernel.enforce.Enforcer;
import dev.palisade.kernel.enforce.EnforcerKind;
import dev.palisade.kernel.ffm.Libc;
import dev.palisade.kernel.ffm.NativeException;
import dev.palisade.policy.compile.ClassMode;
import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.compile.RuleSet;
import dev.palisade.policy.compile.Verdict;
import dev.palisade.workload.ContainerInfo;
import dev.palisade.workload.ProtectedWorkload;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces exec and open rules with fanotify permission events, for kernels without BPF-LSM. Each protected
 * container's own mounts are marked (never a mount of the agent's namespace); every event is decided from the
 * container's compiled rule set on one reader thread and answered, always. A denial returns EPERM ("Operation
 * not permitted"); internal errors fail open (counted and reported) unless configured to fail closed.
 *
 * <p>Limits of fanotify, by design of the kernel interface: the permission event does not say whether an open is
 * for writing, so {@code readOnly} rules cannot deny writes here (a file a rule makes read-only is allowed like a
 * read); files on pseudo filesystems (/proc, /sys) are not marked; network and capability rules are not enforced
 * (the monitor reports them).
 */
public final class FanotifyEnforcer implements Enforcer {
    private static final Logger LOG = LoggerFactory.getLogger(FanotifyEnforcer.class);
    private static final int FAN_CLOEXEC = 0x1, FAN_NONBLOCK = 0x2, FAN_CLASS_CONTENT = 0x4;
    private static final int FAN_MARK_ADD = 0x1, FAN_MARK_REMOVE = 0x2, FAN_MARK_MOUNT = 0x10;
    private static final long FAN_OPEN_PERM = 0x10000L, FAN_OPEN_EXEC_PERM = 0x40000L;
    private static final int FAN_ALLOW = 0x1, FAN_DENY = 0x2;
    private static final int O_RDONLY = 0, O_LARGEFILE = 0100000, O_CLOEXEC = 02000000;
    private static final int METADATA_LEN = 24, FANOTIFY_METADATA_VERSION = 3, FAN_NOFD = -1;
    private static final long MASK = FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM;
    private static final long PID_CACHE_NANOS = 1_000_000_000L;
    private static final String CGROUP2_ROOT = "/sys/fs/cgroup/unified";

    private final int fd;
    private final boolean failClosed;
    private final Consumer<EnforcementEvent> events;
    private final Map<Long, Protected> byCgroup = new ConcurrentHashMap<>();
    private final Thread reader;
    private final int self = (int) ProcessHandle.current().pid();
    private final String ownMountNamespace = ProcFacts.mountNamespace("self");
    private volatile boolean running = true;

    // reader-thread state
    private final Map<Integer, PidFacts> pids = new java.util.HashMap<>();
    private final Map<String, Long> cgroupIds = new java.util.HashMap<>();
    private final Map<Integer, String> pendingInterpreter = new java.util.HashMap<>();

    private final AtomicLong decided = new AtomicLong(), denied = new AtomicLong(), failures = new AtomicLong(),
            foreign = new AtomicLong();

    private record Protected(ContainerInfo container, RuleSet rules, List<String> marks) {}

    /** fstat's buffer, used by the reader thread only. */
    private MemorySegment statBuffer;

    /** @param exe null until a file decision needs it, and again after the task execs (read once, then cached) */
    private record PidFacts(long cgroupId, String exe, int uid, boolean tty, int ppid, long expires) {
        PidFacts withExe(String e) {
            return new PidFacts(cgroupId, e, uid, tty, ppid, expires);
        }
    }

    /**
     * @param events     where decisions to report go; must not block (the pipeline offers and counts)
     * @param failClosed deny instead of allow when a decision cannot be made
     */
    public FanotifyEnforcer(Consumer<EnforcementEvent> events, boolean failClosed) {
        this.events = events;
        this.failClosed = failClosed;
        this.fd = Libc.fanotifyInit(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK, O_RDONLY | O_LARGEFILE | O_CLOEXEC);
        this.reader = Thread.ofPlatform().name("fanotify-enforcer").daemon(true).start(this::run);
    }

    @Override
    public EnforcerKind kind() {
        return EnforcerKind.FANOTIFY;
    }

    @Override
    public void apply(ProtectedWorkload w) throws EnforcementException {
        ContainerInfo c = w.container();
        Protected old = byCgroup.get(c.cgroupId());
        List<String> marks = old != null ? old.marks() : List.of();
        if (needsMarks(w.rules()) && marks.isEmpty()) marks = mark(c);
        byCgroup.put(c.cgroupId(), new Protected(c, w.rules(), marks));
    }

    /** Only classes fanotify can act on (process, file) with a rule or an allow-list need events at all. */
    private static boolean needsMarks(RuleSet rules) {
        return rules.mode(OperationClass.PROCESS) != ClassMode.OPEN || rules.mode(OperationClass.FILE) != ClassMode.OPEN
                || rules.rules().stream().anyMatch(r -> r.operation() == OperationClass.PROCESS || r.operation() == OperationClass.FILE);
    }

    private List<String> mark(ContainerInfo c) throws EnforcementException {
        String pid = Integer.toString(c.initPid());
        if (ProcFacts.mountNamespace(pid).equals(ownMountNamespace)) {
            throw new EnforcementException("container " + c.containerId() + " shares the agent's mount namespace: "
                    + "marking its mounts would mark the host's; refusing");
        }
        List<String> paths;
        try {
            paths = ProcFacts.markableMounts(c.initPid());
        } catch (IOException e) {
            throw new EnforcementException("container " + c.containerId() + ": cannot read its mounts (init pid "
                    + pid + " gone?): " + e.getMessage(), e);
        }
        List<String> marked = new ArrayList<>();
        for (String p : paths) {
            try {
                Libc.fanotifyMark(fd, FAN_MARK_ADD | FAN_MARK_MOUNT, MASK, p);
                marked.add(p);
            } catch (NativeException e) {
                for (String m : marked) Libc.fanotifyMarkQuietly(fd, FAN_MARK_REMOVE | FAN_MARK_MOUNT, MASK, m);
                throw new EnforcementException("container " + c.containerId() + ": cannot mark " + p + ": " + e.getMessage(), e);
            }
        }
        LOG.debug("container {}: marked {}", c.containerId(), marked);
        return List.copyOf(marked);
    }

    @Override
    public void remove(ContainerInfo c) {
        Protected p = byCgroup.remove(c.cgroupId());
        if (p == null) return;
        for (String m : p.marks()) Libc.fanotifyMarkQuietly(fd, FAN_MARK_REMOVE | FAN_MARK_MOUNT, MASK, m);
    }

    /** Host processes are not marked: fanotify on the host's own mounts could stall the node. Host rules are audited. */
    @Override
    public void applyHost(RuleSet rules) {}

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(64 * 1024, 8);
            MemorySegment response = arena.allocate(8, 4);
            statBuffer = arena.allocate(Libc.STAT_SIZE, 8);
            while (running) {
                int ready = Libc.pollIn(fd, 200);
                if (ready <= 0) continue;
                long len = Libc.read(fd, buf);
                if (len <= 0) continue;
                for (long off = 0; off + METADATA_LEN <= len; ) {
                    int evLen = buf.get(JAVA_INT, off);
                    if (evLen < METADATA_LEN || (buf.get(JAVA_BYTE, off + 4) & 0xff) != FANOTIFY_METADATA_VERSION) break;
                    long mask = buf.get(JAVA_LONG, off + 8);
                    int eventFd = buf.get(JAVA_INT, off + 16);
                    int pid = buf.get(JAVA_INT, off + 20);
                    if (eventFd != FAN_NOFD) {
                        int decision = FAN_ALLOW;
                        try {
                            decision = decide(mask, eventFd, pid);
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                            decision = failClosed ? FAN_DENY : FAN_ALLOW;
                            LOG.warn("fanotify decision failed (answered {}): {}", failClosed ? "deny" : "allow", e.toString());
                        } finally {
                            response.set(JAVA_INT, 0, eventFd);
                            response.set(JAVA_INT, 4, decision);
                            Libc.write(fd, response);
                            Libc.close(eventFd);
                        }
                    }
                    off += evLen;
                }
            }
        } catch (RuntimeException e) {
            LOG.error("fanotify reader stopped; pending events are allowed by the kernel once the group closes", e);
        }
    }

    private int decide(long mask, int eventFd, int pid) {
        if (pid == self) return FAN_ALLOW;
        boolean exec = (mask & FAN_OPEN_EXEC_PERM) != 0;
        // Cached facts stay right for an exec's own decision: bprm checks run with the task's cgroup, uid and
        // terminal from before the exec.
        PidFacts facts = facts(pid);
        Protected p = facts == null ? null : byCgroup.get(facts.cgroupId());
        if (p == null) {
            foreign.incrementAndGet(); // a task of another cgroup touching the container's files: not ours to judge
            return FAN_ALLOW;
        }
        String path = fdPath(eventFd);
        // The image changes with the exec: only the executable is stale (cgroup, uid, terminal stay).
        if (exec) pids.put(pid, facts.withExe(null));
        if (exec && isInterpreterOf(pendingInterpreter.remove(pid), path)) return FAN_ALLOW; // ld.so of the exec just allowed
        Verdict v;
        OperationClass op;
        String source = exec ? null : exeOf(pid, facts);
        int owner = Libc.fstatUid(eventFd, statBuffer);
        if (exec) {
            op = OperationClass.PROCESS;
            // As bprm_check_security sees it: the source of an exec is the parent task's executable.
            source = facts.ppid() > 0 ? ProcFacts.exe(facts.ppid()) : "";
            v = p.rules().matcher().process(path, emptyToNull(source), facts.tty(), facts.uid(), owner, null);
        } else {
            op = OperationClass.FILE;
            v = p.rules().matcher().file(path, emptyToNull(source), false, facts.tty(), facts.uid(), owner);
        }
        decided.incrementAndGet();
        boolean deny = v.denied();
        if (exec && !deny) {
            String interp = ElfInterpreter.of(eventFd);
            if (interp != null) pendingInterpreter.put(pid, interp);
        }
        if (deny) denied.incrementAndGet();
        if (v.alert()) {
            events.accept(new EnforcementEvent(Instant.now(), pid, facts.cgroupId(), facts.uid(), op, path, source, v,
                    deny ? "Operation not permitted" : "Passed", EnforcerKind.FANOTIFY));
        }
        return deny ? FAN_DENY : FAN_ALLOW;
    }

    /**
     * The kernel opens an ELF's interpreter right after the binary, from the same task: the next exec-open of that
     * task whose file name is the interpreter's is it. The name is compared, not the path: PT_INTERP is written as
     * /lib64/ld-linux-x86-64.so.2 and the kernel reports the file after symlinks (/usr/lib/.../ld-linux-x86-64.so.2).
     */
    static boolean isInterpreterOf(String interp, String path) {
        if (interp == null) return false;
        return path.substring(path.lastIndexOf('/') + 1).equals(interp.substring(interp.lastIndexOf('/') + 1));
    }

    /** cgroup, executable, uid and terminal of a task, cached for a second (pids are reused slowly). */
    private PidFacts facts(int pid) {
        long now = System.nanoTime();
        PidFacts f = pids.get(pid);
        if (f != null && now < f.expires()) return f;
        String cg = ProcFacts.cgroupPath(pid);
        if (cg == null) return null;
        Long id = cgroupIds.computeIfAbsent(cg, FanotifyEnforcer::cgroupId);
        ProcFacts.Stat stat = ProcFacts.stat(pid);
        if (stat == null) return null;
        f = new PidFacts(id, null, ProcFacts.uid(pid), stat.tty(), stat.ppid(), now + PID_CACHE_NANOS);
        if (pids.size() > 65536) pids.clear();
        if (cgroupIds.size() > 65536) cgroupIds.clear();
        pids.put(pid, f);
        return f;
    }

    /** The task's executable, read from /proc once per image and cached with its facts. */
    private String exeOf(int pid, PidFacts facts) {
        if (facts.exe() != null) return facts.exe();
        String exe = ProcFacts.exe(pid);
        pids.put(pid, facts.withExe(exe));
        return exe;
    }

    private static long cgroupId(String path) {
        try {
            return ((Number) Files.getAttribute(Path.of(CGROUP2_ROOT + path), "unix:ino")).longValue();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String fdPath(int eventFd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + eventFd)).toString();
        } catch (IOException e) {
            return "";
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    public long decided() { return decided.get(); }

    public long denied() { return denied.get(); }

    /** Decisions that failed and were answered by the fail-open (or fail-closed) setting. */
    public long failures() { return failures.get(); }

    /** Events from tasks outside every protected container (allowed without judging). */
    public long foreign() { return foreign.get(); }

    @Override
    public void close() {
        running = false;
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Protected p : byCgroup.values()) {
            for (String m : p.marks()) Libc.fanotifyMarkQuietly(fd, FAN_MARK_REMOVE | FAN_MARK_MOUNT, MASK, m);
        }
        byCgroup.clear();
        Libc.close(fd); // pending permission events are allowed by the kernel when the group goes away
    }
}
