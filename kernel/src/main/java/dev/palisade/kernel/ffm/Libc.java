package dev.palisade.kernel.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The C library calls Palisade needs, bound by hand through FFM. Failing calls throw {@link NativeException}
 * with errno; blocking calls (epoll_wait, read) are never linked as critical so they do not hold off GC.
 */
public final class Libc {
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_LARGEFILE = 0100000;
    public static final int F_DUPFD_CLOEXEC = 1030;
    public static final int EPOLL_CLOEXEC = O_CLOEXEC;
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLLIN = 1;
    public static final int EFD_CLOEXEC = O_CLOEXEC;
    public static final int EFD_NONBLOCK = O_NONBLOCK;
    public static final int MNT_DETACH = 2;

    private static final Linker LINKER = Linker.nativeLinker();

    private static final MethodHandle MMAP = capturing("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = capturing("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = capturing("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FCNTL = LINKER.downcallHandle(symbol("fcntl"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), CallState.OPTION, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle EPOLL_CREATE1 = capturing("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CTL = capturing("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle EPOLL_WAIT = capturing("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle EVENTFD = capturing("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle WRITE = capturing("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle READ = capturing("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle MOUNT = capturing("mount",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle UMOUNT2 = capturing("umount2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle FANOTIFY_INIT = capturing("fanotify_init", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle FANOTIFY_MARK = capturing("fanotify_mark",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS));
    private static final MethodHandle STATX = capturing("statx",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final int AT_EMPTY_PATH = 0x1000, STATX_BASIC_STATS = 0x7ff, STATX_MNT_ID = 0x1000;
    /** Big enough for struct statx (256 bytes). */
    public static final long STATX_SIZE = 256;
    private static final MethodHandle OPEN = capturing("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SYSCALL_OPENAT2 = LINKER.downcallHandle(symbol("syscall"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG), CallState.OPTION,
            Linker.Option.firstVariadicArg(1));
    private static final long SYS_OPENAT2 = 437;
    public static final int O_PATH = 010000000, O_DIRECTORY = 0200000;
    /** struct open_how: flags u64, mode u64, resolve u64. */
    public static final long OPEN_HOW_SIZE = 24;
    private static final long RESOLVE_IN_ROOT = 0x10;
    private static final MethodHandle READLINK = capturing("readlink", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle READLINKAT = capturing("readlinkat",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    private static final int S_IFMT = 0170000, S_IFREG = 0100000;
    private static final MethodHandle PREAD = capturing("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle CLOCK_GETTIME = plain("clock_gettime", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle GETPAGESIZE = plain("getpagesize", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETPID = plain("getpid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETTID = plain("gettid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle STRERROR = plain("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle VSNPRINTF = plain("vsnprintf",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));

    private static final int PAGE_SIZE = pageSize0();

    private Libc() {}

    static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("C library symbol not found: " + name));
    }

    private static MethodHandle capturing(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(symbol(name), fd, CallState.OPTION);
    }

    private static MethodHandle plain(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(symbol(name), fd);
    }

    private static int pageSize0() {
        try {
            return (int) GETPAGESIZE.invokeExact();
        } catch (Throwable t) {
            throw new LinkageError("getpagesize", t);
        }
    }

    public static int pageSize() {
        return PAGE_SIZE;
    }

    /** mmap of a file descriptor; the returned segment has the mapped length. */
    public static MemorySegment mmap(long length, int prot, int flags, int fd, long offset, String what) {
        try {
            MemorySegment seg = (MemorySegment) MMAP.invokeExact(CallState.segment(), MemorySegment.NULL, length, prot, flags, fd, offset);
            if (seg.address() == -1L) throw new NativeException("mmap(" + what + ")", CallState.errno());
            return seg.reinterpret(length);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mmap", t);
        }
    }

    public static void munmap(MemorySegment mapping) {
        int rc;
        try {
            rc = (int) MUNMAP.invokeExact(CallState.segment(), mapping, mapping.byteSize());
        } catch (Throwable t) {
            throw new IllegalStateException("munmap", t);
        }
        if (rc != 0) throw new NativeException("munmap", CallState.errno());
    }

    /**
     * statx(2) of an open fd (basic stats and the mount id) into {@code buf} (STATX_SIZE bytes); 0 or negative errno.
     * {@code emptyPath} is a NUL-terminated empty string the caller keeps.
     */
    public static int statxFd(int fd, MemorySegment emptyPath, MemorySegment buf) {
        try {
            int rc = (int) STATX.invokeExact(CallState.segment(), fd, emptyPath, AT_EMPTY_PATH,
                    STATX_BASIC_STATS | STATX_MNT_ID, buf);
            return rc == 0 ? 0 : -CallState.errno();
        } catch (Throwable t) {
            throw new IllegalStateException("statx", t);
        }
    }

    // struct statx: mask u32 @0, nlink u32 @16, uid u32 @20, mode u16 @28, ino u64 @32, ctime {s64 sec @96, u32 nsec
    // @104}, dev major/minor u32 @136/@140, mnt_id u64 @144 (the same on every arch)
    public static int statxUid(MemorySegment stx) { return stx.get(JAVA_INT, 20); }

    /** The file's identity: device (major, minor) and inode, comparable between two statx results. */
    public static boolean statxSameFile(MemorySegment a, MemorySegment b) {
        return a.get(JAVA_LONG, 32) == b.get(JAVA_LONG, 32) && a.get(JAVA_INT, 136) == b.get(JAVA_INT, 136)
                && a.get(JAVA_INT, 140) == b.get(JAVA_INT, 140);
    }

    /** The inode number. */
    public static long statxInode(MemorySegment stx) { return stx.get(JAVA_LONG, 32); }

    /** The device the file is on, major and minor in one value. */
    public static long statxDevice(MemorySegment stx) {
        return ((long) stx.get(JAVA_INT, 136) << 32) | Integer.toUnsignedLong(stx.get(JAVA_INT, 140));
    }

    /** The inode's change time (ctime) in nanoseconds since the epoch: new when it is written, renamed or re-linked. */
    public static long statxChangeNanos(MemorySegment stx) {
        return stx.get(JAVA_LONG, 96) * 1_000_000_000L + Integer.toUnsignedLong(stx.get(JAVA_INT, 104));
    }

    public static long statxNlink(MemorySegment stx) { return Integer.toUnsignedLong(stx.get(JAVA_INT, 16)); }

    public static boolean statxIsRegular(MemorySegment stx) {
        return (stx.get(java.lang.foreign.ValueLayout.JAVA_SHORT, 28) & S_IFMT) == S_IFREG;
    }

    /** The mount id, -1 when the kernel did not fill it in. */
    public static long statxMountId(MemorySegment stx) {
        return (stx.get(JAVA_INT, 0) & STATX_MNT_ID) != 0 ? stx.get(JAVA_LONG, 144) : -1;
    }

    /** open(2) of a NUL-terminated path; the fd or negative errno. */
    public static int open(MemorySegment path, int flags) {
        try {
            int rc = (int) OPEN.invokeExact(CallState.segment(), path, flags);
            return rc >= 0 ? rc : -CallState.errno();
        } catch (Throwable t) {
            throw new IllegalStateException("open", t);
        }
    }

    /**
     * openat2(2) of {@code path} with O_PATH, resolved as if {@code rootFd} were the root (absolute paths, ".." and
     * absolute symlinks stay inside it): how a path a container's task named is found without leaving its root. An
     * O_PATH open raises no fanotify permission event. {@code how} is {@link #OPEN_HOW_SIZE} bytes the caller keeps.
     * The fd or negative errno.
     */
    public static int openPathInRoot(int rootFd, MemorySegment path, MemorySegment how) {
        how.set(JAVA_LONG, 0, O_PATH | O_CLOEXEC);
        how.set(JAVA_LONG, 8, 0L);
        how.set(JAVA_LONG, 16, RESOLVE_IN_ROOT);
        try {
            long rc = (long) SYSCALL_OPENAT2.invokeExact(CallState.segment(), SYS_OPENAT2, (long) rootFd, path, how, OPEN_HOW_SIZE);
            return rc >= 0 ? (int) rc : -CallState.errno();
        } catch (Throwable t) {
            throw new IllegalStateException("openat2", t);
        }
    }

    /** readlink(2) of a NUL-terminated path into {@code buf} (not terminated); the length or negative errno. */
    public static long readlink(MemorySegment path, MemorySegment buf) {
        try {
            long rc = (long) READLINK.invokeExact(CallState.segment(), path, buf, buf.byteSize());
            return rc >= 0 ? rc : -CallState.errno();
        } catch (Throwable t) {
            throw new IllegalStateException("readlink", t);
        }
    }

    /**
     * readlinkat(2) of a NUL-terminated name relative to the directory {@code dirFd} into {@code buf} (not terminated);
     * the length or negative errno.
     */
    public static long readlinkat(int dirFd, MemorySegment name, MemorySegment buf) {
        try {
            long rc = (long) READLINKAT.invokeExact(CallState.segment(), dirFd, name, buf, buf.byteSize());
            return rc >= 0 ? rc : -CallState.errno();
        } catch (Throwable t) {
            throw new IllegalStateException("readlinkat", t);
        }
    }

    /**
     * fanotify_mark(2) on the object an open fd refers to (pathname NULL): how an ignore mark is put on the very inode a
     * permission event was about. 0 or negative errno.
     */
    public static int fanotifyMarkFd(int fanFd, int flags, long mask, int fd) {
        try {
            int rc = (int) FANOTIFY_MARK.invokeExact(CallState.segment(), fanFd, flags, mask, fd, MemorySegment.NULL);
            return rc == 0 ? 0 : -CallState.errno();
        } catch (Throwable t) {
            throw new IllegalStateException("fanotify_mark", t);
        }
    }

    /** close(2); errors are returned (negative errno), not thrown: there is nothing a caller can do. */
    public static int close(int fd) {
        try {
            int rc = (int) CLOSE.invokeExact(CallState.segment(), fd);
            return rc == 0 ? 0 : -CallState.errno();
        } catch (Throwable t) {
            throw new IllegalStateException("close", t);
        }
    }

    /** A close-on-exec duplicate of fd. */
    public static int dup(int fd, String what) {
        int rc;
        try {
            rc = (int) FCNTL.invokeExact(CallState.segment(), fd, F_DUPFD_CLOEXEC, 0);
        } catch (Throwable t) {
            throw new IllegalStateException("fcntl", t);
        }
        if (rc < 0) throw new NativeException("dup(" + what + ")", CallState.errno());
        return rc;
    }

    public static int epollCreate() {
        int rc;
        try {
            rc = (int) EPOLL_CREATE1.invokeExact(CallState.segment(), EPOLL_CLOEXEC);
        } catch (Throwable t) {
            throw new IllegalStateException("epoll_create1", t);
        }
        if (rc < 0) throw new NativeException("epoll_create1", CallState.errno());
        return rc;
    }

    /** Adds fd to the epoll set for EPOLLIN; {@code event} is a scratch struct epoll_event (12 bytes). */
    public static void epollAdd(int epfd, int fd, MemorySegment event, String what) {
        event.set(JAVA_INT, 0, EPOLLIN);
        event.set(JAVA_LONG_UNALIGNED, 4, fd);
        int rc;
        try {
            rc = (int) EPOLL_CTL.invokeExact(CallState.segment(), epfd, EPOLL_CTL_ADD, fd, event);
        } catch (Throwable t) {
            throw new IllegalStateException("epoll_ctl", t);
        }
        if (rc != 0) throw new NativeException("epoll_ctl(ADD " + what + ")", CallState.errno());
    }

    /** Removes fd from the epoll set; 0 or negative errno (a closed fd has left it already). */
    public static int epollDel(int epfd, int fd) {
        try {
            int rc = (int) EPOLL_CTL.invokeExact(CallState.segment(), epfd, EPOLL_CTL_DEL, fd, MemorySegment.NULL);
            return rc == 0 ? 0 : -CallState.errno();
        } catch (Throwable t) {
            throw new IllegalStateException("epoll_ctl", t);
        }
    }

    /** epoll_wait(2): ready count, 0 on timeout or EINTR. */
    public static int epollWait(int epfd, MemorySegment events, int maxEvents, int timeoutMillis) {
        int rc;
        try {
            rc = (int) EPOLL_WAIT.invokeExact(CallState.segment(), epfd, events, maxEvents, timeoutMillis);
        } catch (Throwable t) {
            throw new IllegalStateException("epoll_wait", t);
        }
        if (rc < 0) {
            int errno = CallState.errno();
            if (errno == Errno.EINTR) return 0;
            throw new NativeException("epoll_wait", errno);
        }
        return rc;
    }

    public static int eventfd(int flags) {
        int rc;
        try {
            rc = (int) EVENTFD.invokeExact(CallState.segment(), 0, flags);
        } catch (Throwable t) {
            throw new IllegalStateException("eventfd", t);
        }
        if (rc < 0) throw new NativeException("eventfd", CallState.errno());
        return rc;
    }

    /** write(2) of the whole segment; returns bytes written or negative errno. */
    public static long write(int fd, MemorySegment buf) {
        try {
            long rc = (long) WRITE.invokeExact(CallState.segment(), fd, buf, buf.byteSize());
            return rc >= 0 ? rc : -CallState.errno();
        } catch (Throwable t) {
            throw new IllegalStateException("write", t);
        }
    }

    /** pread(2) into the segment at a file offset; returns bytes read or negative errno. */
    public static long pread(int fd, MemorySegment buf, long offset) {
        try {
            long rc = (long) PREAD.invokeExact(CallState.segment(), fd, buf, buf.byteSize(), offset);
            return rc >= 0 ? rc : -CallState.errno();
        } catch (Throwable t) {
            throw new IllegalStateException("pread", t);
        }
    }

    /** read(2) into the segment; returns bytes read or negative errno. */
    public static long read(int fd, MemorySegment buf) {
        try {
            long rc = (long) READ.invokeExact(CallState.segment(), fd, buf, buf.byteSize());
            return rc >= 0 ? rc : -CallState.errno();
        } catch (Throwable t) {
            throw new IllegalStateException("read", t);
        }
    }

    public static void mount(String source, String target, String fsType, long flags) {
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            rc = (int) MOUNT.invokeExact(CallState.segment(), arena.allocateFrom(source), arena.allocateFrom(target),
                    arena.allocateFrom(fsType), flags, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new IllegalStateException("mount", t);
        }
        if (rc != 0) throw new NativeException("mount -t " + fsType + " " + source + " " + target, CallState.errno());
    }

    public static void umount(String target, int flags) {
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            rc = (int) UMOUNT2.invokeExact(CallState.segment(), arena.allocateFrom(target), flags);
        } catch (Throwable t) {
            throw new IllegalStateException("umount2", t);
        }
        if (rc != 0) throw new NativeException("umount " + target, CallState.errno());
    }

    /** fanotify_init(2); the caller owns the returned fd. */
    public static int fanotifyInit(int flags, int eventFileFlags) {
        int rc;
        try {
            rc = (int) FANOTIFY_INIT.invokeExact(CallState.segment(), flags, eventFileFlags);
        } catch (Throwable t) {
            throw new IllegalStateException("fanotify_init", t);
        }
        if (rc < 0) throw new NativeException("fanotify_init", CallState.errno());
        return rc;
    }

    public static void fanotifyMark(int fd, int flags, long mask, String path) {
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            rc = (int) FANOTIFY_MARK.invokeExact(CallState.segment(), fd, flags, mask, -100, arena.allocateFrom(path));
        } catch (Throwable t) {
            throw new IllegalStateException("fanotify_mark", t);
        }
        if (rc != 0) throw new NativeException("fanotify_mark(" + path + ")", CallState.errno());
    }

    /** fanotify_mark(2) that reports failure as negative errno instead of throwing (removal of gone mounts). */
    public static int fanotifyMarkQuietly(int fd, int flags, long mask, String path) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) FANOTIFY_MARK.invokeExact(CallState.segment(), fd, flags, mask, -100, arena.allocateFrom(path));
            return rc == 0 ? 0 : -CallState.errno();
        } catch (Throwable t) {
            throw new IllegalStateException("fanotify_mark", t);
        }
    }

    /** getpid(2): a real system call in glibc 2.25 and later (no cached value). */
    public static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("getpid", t);
        }
    }

    public static int gettid() {
        try {
            return (int) GETTID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("gettid", t);
        }
    }

    public static final int CLOCK_REALTIME = 0;
    public static final int CLOCK_MONOTONIC = 1;
    public static final int CLOCK_BOOTTIME = 7;

    /** clock_gettime(2) in nanoseconds. */
    public static long clockNanos(int clock) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(16, 8);
            int rc = (int) CLOCK_GETTIME.invokeExact(clock, ts);
            if (rc != 0) throw new IllegalStateException("clock_gettime(" + clock + ") failed");
            return ts.get(JAVA_LONG, 0) * 1_000_000_000L + ts.get(JAVA_LONG, 8);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("clock_gettime", t);
        }
    }

    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.address() == 0 ? "errno " + errno : s.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** vsnprintf(3) with a va_list received from C (passed on as the pointer it decays to). */
    public static int vsnprintf(MemorySegment buf, MemorySegment format, MemorySegment vaList) throws Throwable {
        return (int) VSNPRINTF.invokeExact(buf, buf.byteSize(), format, vaList);
    }

}
