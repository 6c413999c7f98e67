package dev.palisade.kernel.fanotify;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.palisade.kernel.ffm.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * The /proc reads of the fanotify reader thread, made with plain system calls into buffers it owns: a permission
 * event holds the task that caused it until it is answered, and the NIO path (Path objects, channels, decoders)
 * cost several times what the kernel does. Confined to the one thread that created it.
 */
final class ProcFiles implements AutoCloseable {
    private static final int PATH_MAX = 4096;
    private static final byte[] PROC = "/proc/".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SELF_FD = "/proc/self/fd".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STAT = "/stat".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STATUS = "/status".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EXE = "/exe".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CGROUP = "/cgroup".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SYSCALL = "/syscall".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MEM = "/mem".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CWD = "/cwd".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ROOT = "/root".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FD = "/fd/".getBytes(StandardCharsets.US_ASCII);
    private static final String DELETED = " (deleted)";

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment path = arena.allocate(64);
    private final MemorySegment data = arena.allocate(PATH_MAX + 1);
    private final byte[] bytes = new byte[PATH_MAX + 1];
    /**
     * This process's /proc/self/fd, held: a descriptor's name is then one lookup below it instead of four from the
     * root, which was a third of what reading the path of an event's file cost.
     */
    private final int selfFds;

    ProcFiles() {
        path(SELF_FD);
        selfFds = Libc.open(path, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC);
        if (selfFds < 0) {
            arena.close();
            throw new IllegalStateException("cannot open /proc/self/fd: errno " + -selfFds);
        }
    }

    /** What {@code /proc/<pid>/stat} says: parent pid and whether the task has a controlling terminal. */
    record Stat(int ppid, boolean tty) {}

    /** The path an open fd of this process refers to, "" when it cannot be read. */
    String fdPath(int fd) {
        path.set(JAVA_BYTE, writeDecimal(0, fd), (byte) 0);
        return text(Libc.readlinkat(selfFds, path, data.asSlice(0, PATH_MAX)));
    }

    /** The executable of pid as the task sees it ("" when gone), without a " (deleted)" suffix. */
    String exe(int pid) {
        path(PROC, pid, EXE);
        return withoutDeleted(link());
    }

    /** A link's target without the " (deleted)" the kernel appends once its file is unlinked; as it is otherwise. */
    static String withoutDeleted(String target) {
        return target.endsWith(DELETED) ? target.substring(0, target.length() - DELETED.length()) : target;
    }

    /** The cgroup v2 path of pid ("/kubepods/..."), or null when the task is gone. */
    String cgroupPath(int pid) {
        int n = read(PROC, pid, CGROUP);
        for (int line = 0; line < n; ) {
            int end = indexOf('\n', line, n);
            if (end - line >= 3 && bytes[line] == '0' && bytes[line + 1] == ':' && bytes[line + 2] == ':') {
                return new String(bytes, line + 3, end - line - 3, StandardCharsets.UTF_8);
            }
            line = end + 1;
        }
        return null;
    }

    /** Parent pid and terminal from one read of {@code /proc/<pid>/stat}; null when the task is gone. */
    Stat stat(int pid) {
        int n = read(PROC, pid, STAT);
        // "pid (comm) state ppid pgrp session tty_nr ...": comm may hold anything, so start after its last ')'
        int i = n - 1;
        while (i >= 0 && bytes[i] != ')') i--;
        if (i < 0) return null;
        i += 2; // ") "
        i = indexOf(' ', i, n) + 1; // past state
        long ppid = number(i, n);
        i = indexOf(' ', i, n) + 1;
        i = indexOf(' ', i, n) + 1; // past pgrp
        i = indexOf(' ', i, n) + 1; // past session
        long tty = number(i, n);
        if (ppid < 0 || tty < 0) return null;
        return new Stat((int) ppid, tty != 0);
    }

    /** Effective uid of pid (second field of the Uid: line of status), -1 when gone. */
    int uid(int pid) {
        int n = read(PROC, pid, STATUS);
        for (int line = 0; line < n; ) {
            int end = indexOf('\n', line, n);
            if (end - line > 4 && bytes[line] == 'U' && bytes[line + 1] == 'i' && bytes[line + 2] == 'd' && bytes[line + 3] == ':') {
                int i = line + 4;
                while (i < end && (bytes[i] == '\t' || bytes[i] == ' ')) i++;
                while (i < end && bytes[i] != '\t' && bytes[i] != ' ') i++; // real uid
                while (i < end && (bytes[i] == '\t' || bytes[i] == ' ')) i++;
                long euid = number(i, end);
                return euid < 0 ? -1 : (int) euid;
            }
            line = end + 1;
        }
        return -1;
    }

    /**
     * The system call a task is blocked in and its six arguments, from {@code /proc/<pid>/syscall}, into {@code out}
     * (7 longs); false when the task is running, gone or unreadable.
     */
    boolean syscall(int pid, long[] out) {
        int n = read(PROC, pid, SYSCALL);
        int i = 0;
        for (int k = 0; k < out.length; k++) {
            if (i >= n) return false;
            int end = indexOf(' ', i, n);
            if (end == n) end = indexOf('\n', i, n);
            if (k == 0) {
                long nr = number(i, end);
                if (nr < 0) return false;
                out[0] = nr;
            } else {
                if (end - i < 3 || bytes[i] != '0' || bytes[i + 1] != 'x') return false;
                out[k] = Long.parseUnsignedLong(new String(bytes, i + 2, end - i - 2, StandardCharsets.US_ASCII), 16);
            }
            i = end + 1;
        }
        return true;
    }

    /** The NUL-terminated string at {@code address} in the task's memory, null when it cannot be read whole. */
    String memoryString(int pid, long address) {
        int n = read(PROC, pid, MEM, address);
        for (int i = 0; i < n; i++) if (bytes[i] == 0) return new String(bytes, 0, i, StandardCharsets.UTF_8);
        return null;
    }

    /** The task's working directory as the task sees it ("" when unreadable). */
    String cwd(int pid) {
        path(PROC, pid, CWD);
        return link();
    }

    /** What the task's descriptor {@code fd} refers to, as the task sees it ("" when unreadable). */
    String fdOf(int pid, int fd) {
        fdPathOf(pid, fd);
        return link();
    }

    /** An O_PATH descriptor of what the task's descriptor {@code fd} refers to, or negative errno. */
    int openFdOf(int pid, int fd) {
        fdPathOf(pid, fd);
        return Libc.open(path, Libc.O_PATH | Libc.O_CLOEXEC);
    }

    /** An O_PATH descriptor of the task's root directory, or negative errno. */
    int openRoot(int pid) {
        path(PROC, pid, ROOT);
        return Libc.open(path, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC);
    }

    private void fdPathOf(int pid, int fd) {
        path(PROC, pid, FD);
        long p = 0;
        while (path.get(JAVA_BYTE, p) != 0) p++;
        p = writeDecimal(p, fd);
        path.set(JAVA_BYTE, p, (byte) 0);
    }

    private String link() {
        return text(Libc.readlink(path, data.asSlice(0, PATH_MAX)));
    }

    /** The {@code n} bytes a readlink put into {@code data} as a string, "" when it failed. */
    private String text(long n) {
        if (n <= 0) return "";
        MemorySegment.copy(data, JAVA_BYTE, 0, bytes, 0, (int) n);
        return new String(bytes, 0, (int) n, StandardCharsets.UTF_8);
    }

    /** Reads the whole (small) file into {@code bytes}; its length, 0 when it cannot be read. */
    private int read(byte[] prefix, int pid, byte[] suffix) {
        return read(prefix, pid, suffix, 0);
    }

    /** Reads up to a page-sized buffer from {@code offset} into {@code bytes}; its length, 0 when it cannot be read. */
    private int read(byte[] prefix, int pid, byte[] suffix, long offset) {
        path(prefix, pid, suffix);
        int fd = Libc.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd < 0) return 0;
        try {
            long n = Libc.pread(fd, data.asSlice(0, PATH_MAX), offset);
            if (n <= 0) return 0;
            MemorySegment.copy(data, JAVA_BYTE, 0, bytes, 0, (int) n);
            return (int) n;
        } finally {
            Libc.close(fd);
        }
    }

    /** Writes the bytes, NUL-terminated, into the path buffer. */
    private void path(byte[] name) {
        for (int i = 0; i < name.length; i++) path.set(JAVA_BYTE, i, name[i]);
        path.set(JAVA_BYTE, name.length, (byte) 0);
    }

    /** Writes prefix, the decimal number and suffix, NUL-terminated, into the path buffer. */
    private void path(byte[] prefix, int number, byte[] suffix) {
        long p = 0;
        for (byte b : prefix) path.set(JAVA_BYTE, p++, b);
        p = writeDecimal(p, number);
        if (suffix != null) for (byte b : suffix) path.set(JAVA_BYTE, p++, b);
        path.set(JAVA_BYTE, p, (byte) 0);
    }

    /** Writes a non-negative decimal into the path buffer at {@code p}; the position after it. */
    private long writeDecimal(long p, int number) {
        int digits = 1;
        for (int v = number; v >= 10; v /= 10) digits++;
        for (int k = digits - 1, v = number; k >= 0; k--, v /= 10) path.set(JAVA_BYTE, p + k, (byte) ('0' + v % 10));
        return p + digits;
    }

    private int indexOf(char c, int from, int end) {
        for (int i = from; i < end; i++) if (bytes[i] == c) return i;
        return end;
    }

    /** A non-negative decimal at {@code from} (a leading '-' reads as -1: not a value we accept). */
    private long number(int from, int end) {
        long v = 0;
        int i = from;
        if (i >= end || bytes[i] < '0' || bytes[i] > '9') return -1;
        while (i < end && bytes[i] >= '0' && bytes[i] <= '9') v = v * 10 + (bytes[i++] - '0');
        return v;
    }

    @Override
    public void close() {
        Libc.close(selfFds);
        arena.close();
    }
}
