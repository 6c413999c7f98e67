package dev.palisade.kernel.fanotify;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.palisade.kernel.enforce.EnforcementEvent;
import dev.palisade.kernel.enforce.EnforcementException;
import dev.palisade.kernel.enforce.Enforcer;
import dev.palisade.kernel.enforce.EnforcerKind;
import dev.palisade.kernel.ffm.Errno;
import dev.palisade.kernel.ffm.Libc;
import dev.palisade.kernel.ffm.NativeException;
import dev.palisade.kernel.sys.Cgroups;
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
 * container has a fanotify group of its own whose marks are that container's mounts (never a mount of the agent's
 * namespace); one reader thread waits on all groups (epoll), decides every event of the container's tasks from its
 * compiled rule set and answers every event, always. A task is the container's when it is in the container's cgroup
 * (read from /proc once per task, cached), and that is asked only when the rules look at the task or before a denial
 * or an alert: an allow is an allow for any task. Other tasks touching the container's files (the host, the agent)
 * are allowed unjudged.
 * Per decision, only the facts the rules look at are read (the source executable, the owner, the uid, the tty);
 * an alert reads the rest. A denial returns EPERM ("Operation not permitted"); internal errors fail
 * open (counted and reported) unless configured to fail closed. An open no file rule and no posture of the
 * container can deny (audit posture, Audit rules only) is answered first and judged after, for its report.
 *
 * <p>Repeated allowed opens cost nothing once seen. When a container's file rules cannot depend on who opens (no
 * {@code fromSource}, {@code ownerOnly} or tty condition) and an open by one of its own tasks of a regular file with
 * one link, on a mount whose filesystem the container sees through no other mount (its root, usually; a volume or a
 * bind mount of its own), is allowed without an alert, the file's inode gets an ignore mark for open permission
 * events in that container's group, so the kernel stops asking. Ignore marks belong to a group, and a
 * group sees only its own container's mounts: another container sharing the file (a shared volume, the same host
 * directory) is still asked about it in its own group. Any change of the container's rules flushes its marks (a
 * generation check closes the race with a decision under way); a write to the file clears its mark; marks per
 * group are bounded. Exec permission events are never cached in the kernel (an exec's event says which program
 * runs, and its ELF loader's event must be told from an exec of the loader itself), but a repeated exec is decided
 * without reading its path: a program with one name in the container, allowed without an alert by process rules
 * that do not look at the task, is remembered by its file's identity (device, inode, mount, change time) with the
 * loader it names, and so is that loader ({@link KnownExecs}); a rules change forgets them.
 *
 * <p>Limits of fanotify, by design of the kernel interface: the permission event does not say whether an open is
 * for writing, so {@code readOnly} rules cannot deny writes here (a file a rule makes read-only is allowed like a
 * read); files on pseudo filesystems (/proc, /sys) are not marked; a mount namespace a privileged container makes
 * for itself holds copies of its mounts, which carry no marks; network and capability rules are not enforced
 * (the monitor reports them).
 */
public final class FanotifyEnforcer implements Enforcer {
    private static final Logger LOG = LoggerFactory.getLogger(FanotifyEnforcer.class);
    private static final int FAN_CLOEXEC = 0x1, FAN_NONBLOCK = 0x2, FAN_CLASS_CONTENT = 0x4, FAN_UNLIMITED_MARKS = 0x20;
    private static final int FAN_MARK_ADD = 0x1, FAN_MARK_REMOVE = 0x2, FAN_MARK_MOUNT = 0x10,
            FAN_MARK_IGNORED_MASK = 0x20, FAN_MARK_FLUSH = 0x80;
    private static final long FAN_OPEN_PERM = 0x10000L, FAN_OPEN_EXEC_PERM = 0x40000L;
    private static final int FAN_ALLOW = 0x1, FAN_DENY = 0x2;
    private static final int O_RDONLY = 0, O_LARGEFILE = 0100000, O_CLOEXEC = 02000000;
    private static final int METADATA_LEN = 24, FANOTIFY_METADATA_VERSION = 3, FAN_NOFD = -1;
    private static final long MASK = FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM;
    private static final long PID_CACHE_NANOS = 1_000_000_000L;
    /** Ignore marks a group holds before they are flushed and its cache starts again: each pins an inode. */
    private static final int MAX_IGNORE_MARKS = 16_384;
    private static final int EPOLL_EVENT_SIZE = 12, MAX_READY = 64;
    /** fanotify groups the kernel allows per user by default is 128; a node may protect more containers. */
    private static final int WANTED_MAX_GROUPS = 1024;
    private static final Path MAX_GROUPS = Path.of("/proc/sys/fs/fanotify/max_user_groups");

    private final boolean failClosed;
    private final boolean remember;
    private final Consumer<EnforcementEvent> events;
    private final Map<Long, Protected> byCgroup = new ConcurrentHashMap<>();
    private final Map<Integer, Group> groupsByFd = new ConcurrentHashMap<>();
    private final java.util.Queue<Group> retired = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Where group fds are closed: never on the reader thread (see {@link #closeGroup}). */
    private final java.util.concurrent.ExecutorService closers = java.util.concurrent.Executors.newCachedThreadPool(
            Thread.ofPlatform().name("fanotify-close-", 0).daemon(true).factory());
    private final int epollFd;
    private final int wakeFd;
    private final Thread reader;
    private final int self = (int) ProcessHandle.current().pid();
    private final String ownMountNamespace = ProcFacts.mountNamespace("self");
    private final MemorySegment scratchEvent = Arena.global().allocate(EPOLL_EVENT_SIZE, 8);
    private volatile boolean running = true;
    private volatile boolean readerDead;

    // reader-thread state
    private final Map<Integer, PidFacts> pids = new java.util.HashMap<>();
    private final Map<String, Long> cgroupIds = new java.util.HashMap<>();
    /** Where cgroup2 is mounted: /sys/fs/cgroup on unified hosts, /sys/fs/cgroup/unified on hybrid ones. */
    private final String cgroup2Root = Cgroups.cgroup2MountPoint().map(Path::toString)
            .orElse("/sys/fs/cgroup");
    /**
     * Per task, what its last allowed exec-open said comes next: the ELF loader it names (part of that exec) or
     * {@link ElfInterpreter#SCRIPT} (the script's interpreter, an exec of its own).
     */
    private final Map<Integer, String> pendingExec = new java.util.HashMap<>();

    private final AtomicLong decided = new AtomicLong(), denied = new AtomicLong(), failures = new AtomicLong(),
            foreign = new AtomicLong(), cached = new AtomicLong(), recalled = new AtomicLong();

    /**
     * A container's fanotify group.
     *
     * @param cgroupId        the container's cgroup: a task in it is the container's
     * @param soleViewMounts  sorted ids of the marked mounts whose filesystem the container sees through no other
     *                        mount: only files on them are cached
     */
    private record Group(int fd, long cgroupId, List<String> marks, long[] soleViewMounts, AtomicLong generation,
                         int[] ignoreMarks, KnownExecs execs) {
        /** Whether a file statx describes has one name in the container: one link, on a mount no other shares. */
        boolean oneName(MemorySegment statx) {
            return Libc.statxIsRegular(statx) && Libc.statxNlink(statx) == 1
                    && java.util.Arrays.binarySearch(soleViewMounts, Libc.statxMountId(statx)) >= 0;
        }
    }

    /**
     * @param process        what the process rules look at beyond the path (the rest is read only for an alert)
     * @param file           what the file rules look at beyond the path; nothing means an allowed open may be cached
     * @param opensAllowed   no file rule and no posture can deny an open: it is answered before it is judged
     */
    private record Protected(RuleSet rules, Group group, Needs process, Needs file, boolean opensAllowed) {
        Protected(RuleSet rules, Group group) {
            this(rules, group, Needs.of(rules, OperationClass.PROCESS), Needs.of(rules, OperationClass.FILE),
                    neverDenies(rules, OperationClass.FILE));
        }

        /**
         * Whether every verdict the matcher can give for the class lets the operation through: the miss, each rule's
         * own, and the violation of a rule with an owner or read-only condition (which a failed condition gives).
         */
        static boolean neverDenies(RuleSet rules, OperationClass c) {
            if (rules.miss(c).denied()) return false;
            for (var r : rules.rules()) {
                if (r.operation() != c) continue;
                if (r.verdict().denied()) return false;
                if ((r.ownerOnly() || r.readOnly()) && r.violation() != null && r.violation().denied()) return false;
            }
            return true;
        }
    }

    /** Whether some rule of a class has a {@code fromSource}, an {@code ownerOnly} or a tty condition. */
    private record Needs(boolean source, boolean owner, boolean tty) {
        static Needs of(RuleSet rules, OperationClass c) {
            boolean source = false, owner = false, tty = false;
            for (var r : rules.rules()) {
                if (r.operation() != c) continue;
                source |= r.source() != null;
                owner |= r.ownerOnly();
                tty |= r.tty();
            }
            return new Needs(source, owner, tty);
        }

        /** Some rule looks at the task, not only at the path. */
        boolean task() {
            return source || owner || tty;
        }
    }

    /** Buffers and the /proc reader, used by the reader thread only. */
    private MemorySegment statx;
    private MemorySegment emptyPath;
    private MemorySegment elfScratch;
    private ProcFiles proc;
    private InFlightExec inFlight;

    private static final int UID_UNREAD = Integer.MIN_VALUE, STAT_UNREAD = Integer.MIN_VALUE;

    /**
     * What is known about a task. Only the cgroup is read up front; the rest when a decision or an alert needs it.
     *
     * @param uid  {@link #UID_UNREAD} until needed
     * @param ppid {@link #STAT_UNREAD} until needed (tty comes with it)
     */
    private record PidFacts(long cgroupId, int uid, int ppid, boolean tty, long expires) {
        PidFacts withUid(int u) {
            return new PidFacts(cgroupId, u, ppid, tty, expires);
        }

        PidFacts withStat(int p, boolean t) {
            return new PidFacts(cgroupId, uid, p, t, expires);
        }
    }

    /**
     * @param events     where decisions to report go; must not block (the pipeline offers and counts)
     * @param failClosed deny instead of allow when a decision cannot be made
     */
    public FanotifyEnforcer(Consumer<EnforcementEvent> events, boolean failClosed) {
        this(events, failClosed, true);
    }

    /**
     * @param remember put ignore marks on files whose opens are allowed for anyone, and decide a repeated exec by its
     *                 file's identity (see above); without, every event is decided from its path (for measuring that)
     */
    public FanotifyEnforcer(Consumer<EnforcementEvent> events, boolean failClosed, boolean remember) {
        this.events = events;
        this.failClosed = failClosed;
        this.remember = remember;
        this.epollFd = Libc.epollCreate();
        this.wakeFd = Libc.eventfd(Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        Libc.epollAdd(epollFd, wakeFd, scratchEvent, "fanotify wake-up eventfd");
        this.reader = Thread.ofPlatform().name("fanotify-enforcer").daemon(true).start(this::run);
    }

    /** Raises the node's fanotify group limit when this agent has reached it; true when it did. */
    private static boolean raiseGroupLimit() {
        try {
            int now = Integer.parseInt(Files.readString(MAX_GROUPS).strip());
            if (now >= WANTED_MAX_GROUPS) return false;
            Files.writeString(MAX_GROUPS, Integer.toString(WANTED_MAX_GROUPS));
            LOG.info("fanotify: {} raised from {} to {} (a group per protected container)", MAX_GROUPS, now, WANTED_MAX_GROUPS);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("fanotify: cannot raise {}: {}", MAX_GROUPS, e.toString());
            return false;
        }
    }

    /**
     * A new group. Unlimited marks need CAP_SYS_ADMIN (the agent has it; a test may not); the group limit is raised
     * once it is reached.
     */
    private static int newGroup() {
        int flags = FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK;
        int eventFlags = O_RDONLY | O_LARGEFILE | O_CLOEXEC;
        try {
            return Libc.fanotifyInit(flags | FAN_UNLIMITED_MARKS, eventFlags);
        } catch (NativeException e) {
            if (e.errno() == Errno.EPERM) return Libc.fanotifyInit(flags, eventFlags);
            if (e.errno() == Errno.EMFILE && raiseGroupLimit()) return Libc.fanotifyInit(flags | FAN_UNLIMITED_MARKS, eventFlags);
            throw e;
        }
    }

    @Override
    public EnforcerKind kind() {
        return EnforcerKind.FANOTIFY;
    }

    @Override
    public synchronized void apply(ProtectedWorkload w) throws EnforcementException {
        ContainerInfo c = w.container();
        if (readerDead) throw new EnforcementException("container " + c.containerId() + ": the fanotify reader has stopped");
        Protected old = byCgroup.get(c.cgroupId());
        Group group = old != null ? old.group() : null;
        boolean created = group == null && needsMarks(w.rules());
        if (created) group = open(c);
        byCgroup.put(c.cgroupId(), new Protected(w.rules(), group));
        // Read only once its rules are in place: an event read before would be allowed as a container's being removed,
        // and a binary allowed that way would leave its loader to be judged as an exec of its own.
        if (created) {
            try {
                listen(group, c);
            } catch (RuntimeException e) { // a group nobody reads would hold the container's tasks forever
                byCgroup.remove(c.cgroupId());
                groupsByFd.remove(group.fd());
                Libc.close(group.fd());
                throw new EnforcementException("container " + c.containerId() + ": cannot wait on its fanotify group: "
                        + e.getMessage(), e);
            }
        }
        if (old != null && old.group() != null && old.rules() != w.rules()) rulesChanged(old.group());
    }

    /** Only classes fanotify can act on (process, file) with a rule or an allow-list need events at all. */
    private static boolean needsMarks(RuleSet rules) {
        return rules.mode(OperationClass.PROCESS) != ClassMode.OPEN || rules.mode(OperationClass.FILE) != ClassMode.OPEN
                || rules.rules().stream().anyMatch(r -> r.operation() == OperationClass.PROCESS || r.operation() == OperationClass.FILE);
    }

    /** The container's group: created and its mounts marked. */
    private Group open(ContainerInfo c) throws EnforcementException {
        String pid = Integer.toString(c.initPid());
        String mountNamespace = ProcFacts.mountNamespace(pid);
        if (mountNamespace.isEmpty() || mountNamespace.equals(ownMountNamespace)) {
            throw new EnforcementException("container " + c.containerId() + " shares the agent's mount namespace: "
                    + "marking its mounts would mark the host's; refusing");
        }
        List<ProcFacts.Mount> mounts;
        try {
            mounts = ProcFacts.markableMounts(c.initPid());
        } catch (IOException e) {
            throw new EnforcementException("container " + c.containerId() + ": cannot read its mounts (init pid "
                    + pid + " gone?): " + e.getMessage(), e);
        }
        int fd;
        try {
            fd = newGroup();
        } catch (NativeException e) {
            throw new EnforcementException("container " + c.containerId() + ": cannot create its fanotify group ("
                    + e.getMessage() + "; see " + MAX_GROUPS + ")", e);
        }
        List<String> marked = new ArrayList<>();
        for (ProcFacts.Mount m : mounts) {
            String p = m.path();
            try {
                Libc.fanotifyMark(fd, FAN_MARK_ADD | FAN_MARK_MOUNT, MASK, p);
                marked.add(p);
            } catch (NativeException e) {
                Libc.close(fd); // its marks go with it
                throw new EnforcementException("container " + c.containerId() + ": cannot mark " + p + ": " + e.getMessage(), e);
            }
        }
        long[] soleView = mounts.stream().filter(ProcFacts.Mount::soleView).mapToLong(ProcFacts.Mount::id).sorted().toArray();
        Group g = new Group(fd, c.cgroupId(), List.copyOf(marked), soleView, new AtomicLong(), new int[1], new KnownExecs());
        LOG.debug("container {}: fanotify group {} marks {}", c.containerId(), fd, marked);
        return g;
    }

    /** Hands a group to the reader; its marks hold the container's tasks until then. */
    private void listen(Group g, ContainerInfo c) {
        groupsByFd.put(g.fd(), g);
        synchronized (scratchEvent) {
            Libc.epollAdd(epollFd, g.fd(), scratchEvent, "fanotify group of " + c.containerId());
        }
    }

    @Override
    public synchronized void remove(ContainerInfo c) {
        Protected p = byCgroup.remove(c.cgroupId());
        if (p == null || p.group() == null) return;
        retire(p.group());
    }

    /**
     * Unmarks a group's mounts at once (no new events), then leaves it to the reader thread, which answers what it
     * already read first and stops reading it before it is closed; the kernel allows whatever else is pending when the
     * group closes.
     */
    private void retire(Group g) {
        for (String m : g.marks()) Libc.fanotifyMarkQuietly(g.fd(), FAN_MARK_REMOVE | FAN_MARK_MOUNT, MASK, m);
        retired.add(g);
        wake();
    }

    private void wake() {
        try (Arena arena = Arena.ofConfined()) {
            Libc.write(wakeFd, arena.allocateFrom(JAVA_LONG, 1L));
        }
    }

    /**
     * The container's rules changed: what the old ones allowed is asked about again. The reader thread sees the new
     * generation and flushes again if it marked a file from the old rules meanwhile.
     */
    private static void rulesChanged(Group g) {
        g.generation().incrementAndGet();
        flushIgnoreMarks(g);
    }

    /** Drops every ignore mark of the group (its mount marks stay). */
    private static void flushIgnoreMarks(Group g) {
        int rc = Libc.fanotifyMarkFd(g.fd(), FAN_MARK_FLUSH, 0, -1);
        if (rc != 0) LOG.warn("fanotify: flushing the open cache of group {} failed: errno {}", g.fd(), -rc);
    }

    /** Host processes are not marked: fanotify on the host's own mounts could stall the node. Host rules are audited. */
    @Override
    public void applyHost(RuleSet rules) {}

    private void run() {
        try (Arena arena = Arena.ofConfined(); ProcFiles procFiles = new ProcFiles();
             InFlightExec inFlightExec = new InFlightExec(procFiles)) {
            MemorySegment buf = arena.allocate(64 * 1024, 8);
            MemorySegment response = arena.allocate(8, 4);
            MemorySegment ready = arena.allocate((long) MAX_READY * EPOLL_EVENT_SIZE, 8);
            MemorySegment drain = arena.allocate(8, 8);
            statx = arena.allocate(Libc.STATX_SIZE, 8);
            emptyPath = arena.allocate(1);
            elfScratch = arena.allocate(ElfInterpreter.SCRATCH_SIZE, 8);
            proc = procFiles;
            inFlight = inFlightExec;
            while (running) {
                closeRetired();
                int n = Libc.epollWait(epollFd, ready, MAX_READY, 200);
                for (int i = 0; i < n; i++) {
                    int fd = (int) ready.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, (long) i * EPOLL_EVENT_SIZE + 4);
                    if (fd == wakeFd) {
                        Libc.read(wakeFd, drain);
                        continue;
                    }
                    Group g = groupsByFd.get(fd);
                    if (g != null) answerAll(g, buf, response);
                }
            }
        } catch (RuntimeException | Error e) {
            // Nobody would answer the containers' tasks any more: close every group, which the kernel takes as allowing
            // what is pending, and refuse new ones.
            readerDead = true;
            LOG.error("fanotify reader stopped: every container's fanotify group is closed (its pending events allowed); "
                    + "fanotify enforcement is off until the agent restarts", e);
            closeAllGroups();
        }
    }

    private void closeRetired() {
        for (Group g; (g = retired.poll()) != null; ) {
            groupsByFd.remove(g.fd());
            Libc.epollDel(epollFd, g.fd());
            closeGroup(g.fd());
        }
    }

    /** Reads what the group has and answers every event. */
    private void answerAll(Group g, MemorySegment buf, MemorySegment response) {
        long len = Libc.read(g.fd(), buf);
        if (len <= 0) return;
        for (long off = 0; off + METADATA_LEN <= len; ) {
            int evLen = buf.get(JAVA_INT, off);
            if (evLen < METADATA_LEN || (buf.get(JAVA_BYTE, off + 4) & 0xff) != FANOTIFY_METADATA_VERSION) break;
            long mask = buf.get(JAVA_LONG, off + 8);
            int eventFd = buf.get(JAVA_INT, off + 16);
            int pid = buf.get(JAVA_INT, off + 20);
            if (eventFd != FAN_NOFD) {
                long generation = g.generation().get(); // before the rules are looked up: see cache()
                Protected p = byCgroup.get(g.cgroupId());
                if (p != null && p.group() != g) p = null; // the container is being removed
                // An open no rule can deny (audit posture, Audit rules only) is let go at once: what is left to do
                // (its path, the matching, the alert) no longer holds the opening task.
                boolean answered = p != null && p.opensAllowed() && (mask & FAN_OPEN_EXEC_PERM) == 0;
                if (answered) answer(g, response, eventFd, FAN_ALLOW);
                int decision = FAN_ALLOW;
                try {
                    decision = decide(g, p, generation, mask, eventFd, pid);
                } catch (RuntimeException | StackOverflowError | LinkageError e) {
                    failures.incrementAndGet();
                    decision = failClosed ? FAN_DENY : FAN_ALLOW;
                    LOG.warn("fanotify decision failed (answered {}): {}", answered || !failClosed ? "allow" : "deny", e.toString());
                } finally {
                    if (!answered) answer(g, response, eventFd, decision);
                    Libc.close(eventFd);
                }
            }
            off += evLen;
        }
    }

    private static void answer(Group g, MemorySegment response, int eventFd, int decision) {
        response.set(JAVA_INT, 0, eventFd);
        response.set(JAVA_INT, 4, decision);
        Libc.write(g.fd(), response);
    }

    /**
     * @param p          the container's rules as they were when the event was read; null when it is being removed
     * @param generation the group's rule generation, read before {@code p}
     */
    private int decide(Group g, Protected p, long generation, long mask, int eventFd, int pid) {
        if (pid == self || p == null) return FAN_ALLOW;
        boolean exec = (mask & FAN_OPEN_EXEC_PERM) != 0;
        // The group marks only this container's mounts; the task is the container's when it is in the container's
        // cgroup (read once per task, cached). That is asked first only when the rules look at the task; otherwise
        // only before a denial or an alert, since an allow is an allow for any task. Cached facts stay right for an
        // exec's own decision: bprm checks run with the task's credentials and terminal from before it.
        Needs needs = exec ? p.process() : p.file();
        if (needs.task() && !containerTask(g, pid)) return FAN_ALLOW;
        String pending = exec ? pendingExec.remove(pid) : null;
        // An exec is first looked up by the identity of its file (a statx): a program allowed before, or the loader
        // the program just allowed names, is let through without reading its path or its header again.
        boolean known = exec && remember && Libc.statxFd(eventFd, emptyPath, statx) == 0;
        boolean loaderExpected = pending != null && pending != ElfInterpreter.SCRIPT;
        if (known && loaderExpected && g.execs().loader(statx, pending, generation)) {
            recalled.incrementAndGet();
            return FAN_ALLOW;
        }
        boolean rememberable = known && !needs.task() && g.oneName(statx);
        if (rememberable && !loaderExpected) {
            int entry = g.execs().program(statx, generation);
            if (entry >= 0) {
                expectNext(pid, g.execs().comesNext(entry));
                recalled.incrementAndGet();
                decided.incrementAndGet();
                return FAN_ALLOW;
            }
        }
        String path = eventPath(eventFd);
        if (loaderExpected && isInterpreterOf(pending, path)) {
            if (known) g.execs().rememberLoader(statx, pending, generation);
            return FAN_ALLOW; // ld.so of the exec just allowed
        }
        // Only what the rules look at is read for the decision (each read is a system call the opening task waits
        // for); an alert reads the rest.
        String source = needs.source() ? sourceOf(exec, pid) : null;
        int uid = -1, owner = -1;
        if (needs.owner()) {
            // known: the statx above is of this same file
            owner = known || Libc.statxFd(eventFd, emptyPath, statx) == 0 ? Libc.statxUid(statx) : -1;
            uid = uidOf(pid);
        }
        boolean tty = needs.tty() && ttyOf(pid);
        OperationClass op = exec ? OperationClass.PROCESS : OperationClass.FILE;
        Verdict v = exec ? p.rules().matcher().process(path, emptyToNull(source), tty, uid, owner, null)
                : p.rules().matcher().file(path, emptyToNull(source), false, tty, uid, owner);
        if (exec && pending == null && (v.denied() || v.alert())) {
            // Nothing was seen of this exec before: if its binary was opened before the marks, this is its loader.
            String program = programOfUnseenExec(eventFd, pid);
            if (program != null) {
                rememberable = false; // the event's file is the loader, the verdict is the program's
                path = program;
                v = p.rules().matcher().process(path, emptyToNull(source), tty, uid, owner, null);
            }
        }
        boolean deny = v.denied();
        if ((deny || v.alert()) && !needs.task() && !containerTask(g, pid)) return FAN_ALLOW;
        decided.incrementAndGet();
        if (exec && !deny) {
            String next = ElfInterpreter.of(eventFd, elfScratch);
            expectNext(pid, next);
            // the statx of the event's file is still the one read above: nothing since statted another file
            if (rememberable && !v.alert()) g.execs().rememberProgram(statx, next, generation);
        }
        if (deny) denied.incrementAndGet();
        if (!exec && !deny && !v.alert() && remember && !needs.task()
                && Libc.statxFd(eventFd, emptyPath, statx) == 0) {
            cache(g, eventFd, generation);
        }
        if (v.alert()) {
            if (source == null) source = sourceOf(exec, pid);
            events.accept(new EnforcementEvent(Instant.now(), pid, g.cgroupId(), uidOf(pid), op, path, source, v,
                    deny ? "Operation not permitted" : "Passed", EnforcerKind.FANOTIFY));
        }
        return deny ? FAN_DENY : FAN_ALLOW;
    }

    /**
     * The path the event's file was opened by. A file unlinked since (a temporary file, removed once open; possible
     * meanwhile when the open was answered before it was judged) reads as "path (deleted)": the name it had is meant.
     */
    private String eventPath(int eventFd) {
        String path = proc.fdPath(eventFd);
        String named = ProcFiles.withoutDeleted(path);
        if (named.equals(path)) return path;
        return Libc.statxFd(eventFd, emptyPath, statx) == 0 && Libc.statxNlink(statx) == 0 ? named : path;
    }

    /**
     * Puts an ignore mark for open permission events on the event's file when it has one name in the container: one
     * link, on a mount whose filesystem no other mount of the container shows (another name, or the same file seen
     * through a second mount, could be a path the rules deny). If the rules changed while this event was decided, the
     * flush that came with the change may have run before the mark: flush again.
     */
    private void cache(Group g, int eventFd, long generation) {
        if (!g.oneName(statx)) return;
        int[] count = g.ignoreMarks();
        if (count[0] >= MAX_IGNORE_MARKS) {
            flushIgnoreMarks(g);
            count[0] = 0;
        }
        if (Libc.fanotifyMarkFd(g.fd(), FAN_MARK_ADD | FAN_MARK_IGNORED_MASK, FAN_OPEN_PERM, eventFd) != 0) return;
        count[0]++;
        cached.incrementAndGet();
        if (g.generation().get() != generation) { // marked from rules replaced meanwhile
            flushIgnoreMarks(g);
            count[0] = 0;
        }
    }

    /** What the task's next exec-open is, after an allowed exec of a program whose header said so (null: nothing). */
    private void expectNext(int pid, String next) {
        if (next == null) return;
        if (pendingExec.size() > 65536) pendingExec.clear(); // left by execs that failed after their binary
        pendingExec.put(pid, next);
    }

    /**
     * The program an exec is for when this exec-open is not it: the ELF loader of a binary the kernel opened for the
     * task before the container's marks existed (see {@link InFlightExec}). A loader has no loader of its own, so a
     * file naming one (a dynamic program, such as a script's interpreter) is its own exec and is not asked about.
     */
    private String programOfUnseenExec(int eventFd, int pid) {
        String next = ElfInterpreter.of(eventFd, elfScratch);
        if (next != null || Libc.statxFd(eventFd, emptyPath, statx) != 0) return null;
        return inFlight.otherProgram(pid, statx);
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

    /** Whether the task lives in the group's container (counted as foreign when not: allowed, not judged). */
    private boolean containerTask(Group g, int pid) {
        PidFacts facts = facts(pid);
        if (facts != null && facts.cgroupId() == g.cgroupId()) return true;
        foreign.incrementAndGet(); // the host or another container touching this one's files: not ours to judge
        return false;
    }

    /** A task's cgroup, and room for what else is read about it; cached for a second (pids are reused slowly). */
    private PidFacts facts(int pid) {
        PidFacts f = current(pid);
        if (f != null) return f;
        String cg = proc.cgroupPath(pid);
        if (cg == null) return null;
        long id = cgroupIds.computeIfAbsent(cg, this::cgroupId);
        f = new PidFacts(id, UID_UNREAD, STAT_UNREAD, false, System.nanoTime() + PID_CACHE_NANOS);
        if (pids.size() > 65536) pids.clear();
        if (cgroupIds.size() > 65536) cgroupIds.clear();
        pids.put(pid, f);
        return f;
    }

    private long cgroupId(String path) {
        try {
            return Cgroups.cgroupId(Path.of(cgroup2Root + path));
        } catch (RuntimeException gone) {
            return -1;
        }
    }

    /** Parent pid and terminal, from one read of /proc/pid/stat when first needed. */
    private PidFacts withStat(int pid) {
        PidFacts f = current(pid);
        if (f == null || f.ppid() != STAT_UNREAD) return f;
        ProcFiles.Stat st = proc.stat(pid);
        f = f.withStat(st == null ? -1 : st.ppid(), st != null && st.tty());
        pids.put(pid, f);
        return f;
    }

    private boolean ttyOf(int pid) {
        PidFacts f = withStat(pid);
        return f != null && f.tty();
    }

    /**
     * The task's executable, read when needed and never cached: read while the task is in the middle of an exec (the
     * loader's own open comes before the kernel switches the image), it would still name the old program.
     */
    private String exeOf(int pid) {
        return proc.exe(pid);
    }

    /** Cached facts of a task, null when there are none or they are old enough for the pid to have been reused. */
    private PidFacts current(int pid) {
        PidFacts f = pids.get(pid);
        return f != null && System.nanoTime() < f.expires() ? f : null;
    }

    /** The source of an operation as the rules mean it: for an exec its parent task's executable, else the task's own. */
    private String sourceOf(boolean exec, int pid) {
        return exec ? parentExe(pid) : exeOf(pid);
    }

    /** The executable of the task's parent ("" for none): the source of an exec. */
    private String parentExe(int pid) {
        PidFacts f = withStat(pid);
        return f != null && f.ppid() > 0 ? exeOf(f.ppid()) : "";
    }

    /** The task's effective uid, read from /proc once and cached with its facts. */
    private int uidOf(int pid) {
        PidFacts facts = current(pid);
        if (facts != null && facts.uid() != UID_UNREAD) return facts.uid();
        int uid = proc.uid(pid);
        if (facts != null) pids.put(pid, facts.withUid(uid));
        return uid;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    public long decided() { return decided.get(); }

    public long denied() { return denied.get(); }

    /** Decisions that failed and were answered by the fail-open (or fail-closed) setting. */
    public long failures() { return failures.get(); }

    /** The mounts marked for a container (as /proc/<pid>/root/... paths); empty when it has no group. */
    public List<String> marks(ContainerInfo c) {
        Protected p = byCgroup.get(c.cgroupId());
        return p == null || p.group() == null ? List.of() : p.group().marks();
    }

    /** Allowed opens whose file got an ignore mark (the kernel stops asking about it until the next flush). */
    public long cached() { return cached.get(); }

    /** Exec events decided by the identity of their file, from what an earlier exec of it showed. */
    public long recalled() { return recalled.get(); }

    /** Events from tasks outside every protected container (allowed without judging). */
    public long foreign() { return foreign.get(); }

    /** Closes every group: the kernel allows whatever was pending in it. Only once the reader has stopped. */
    private synchronized void closeAllGroups() {
        byCgroup.clear();
        retired.clear(); // every group not yet closed is still in groupsByFd
        for (Group g : groupsByFd.values()) closeGroup(g.fd());
        groupsByFd.clear();
    }

    /**
     * Closes a group's fd on a thread of its own. Closing answers (allows) what is pending in the group, then waits
     * until no task is still inside an event that touched the group; a task whose open also matched another group's
     * marks (the container's old and new groups, briefly both marking its mounts) waits there for the other group's
     * answer while still counted in this one. Closed on the reader thread, that answer would never come: the task and
     * the reader waited on each other forever. Closed aside, the reader goes on answering, and groups closing together
     * answer each other's tasks.
     */
    private void closeGroup(int fd) {
        closers.execute(() -> Libc.close(fd));
    }

    @Override
    public void close() {
        running = false;
        wake();
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeAllGroups(); // the reader has stopped: close what it did not
        closers.shutdown();
        try {
            if (!closers.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.warn("fanotify: a group still closing after 5 s (a task inside one of its events)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Libc.close(wakeFd);
        Libc.close(epollFd);
    }
}
