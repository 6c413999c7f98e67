package dev.palisade.kernel.fanotify;

import dev.palisade.kernel.ffm.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The program an exec under way is for, asked when an exec permission event may be the ELF loader of an exec whose
 * binary was opened before the container's marks existed (protection applied while the container runs). The kernel
 * opens the binary and then its loader (ld.so) in one execve; only the loader's open was seen, so the event names
 * ld.so, which the rules do not list, while the program the task runs is the binary. The task is held in execve while
 * the event waits for its answer, so {@code /proc/<pid>/syscall} names the call and its file name argument, read from
 * the task's memory and resolved inside the task's root (openat2 RESOLVE_IN_ROOT, O_PATH: no permission event of
 * its own). Confined to the fanotify reader thread.
 */
final class InFlightExec implements AutoCloseable {
    private static final long SYS_EXECVE = 59, SYS_EXECVEAT = 322;
    private static final int AT_FDCWD = -100, AT_EMPTY_PATH = 0x1000;

    private final ProcFiles proc;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment how = arena.allocate(Libc.OPEN_HOW_SIZE, 8);
    private final MemorySegment statx = arena.allocate(Libc.STATX_SIZE, 8);
    private final MemorySegment emptyPath = arena.allocate(1);
    private final long[] call = new long[7];

    InFlightExec(ProcFiles proc) {
        this.proc = proc;
    }

    /**
     * The path (as the container sees it) of the file the task's execve names when that is another file than the
     * event's ({@code eventStatx}, statx of the event's fd): the event is then a file the exec opens on the way, not
     * the program. Null when it is the same file, when the task is not in an execve, or when it cannot be read.
     */
    String otherProgram(int pid, MemorySegment eventStatx) {
        if (!proc.syscall(pid, call)) return null;
        int dirFd;
        long nameAddress;
        boolean emptyPathFlag;
        if (call[0] == SYS_EXECVE) {
            dirFd = AT_FDCWD;
            nameAddress = call[1];
            emptyPathFlag = false;
        } else if (call[0] == SYS_EXECVEAT) {
            dirFd = (int) call[1];
            nameAddress = call[2];
            emptyPathFlag = (call[5] & AT_EMPTY_PATH) != 0;
        } else {
            return null;
        }
        String name = proc.memoryString(pid, nameAddress);
        if (name == null) return null;
        int fd;
        if (name.isEmpty()) {
            if (!emptyPathFlag || dirFd < 0) return null;
            fd = proc.openFdOf(pid, dirFd); // fexecve: the program is the descriptor itself
        } else {
            String base = name.startsWith("/") ? "" : dirFd == AT_FDCWD ? proc.cwd(pid) : proc.fdOf(pid, dirFd);
            if (!name.startsWith("/") && !base.startsWith("/")) return null;
            fd = openInRoot(pid, base.isEmpty() ? name : base + "/" + name);
        }
        if (fd < 0) return null;
        try {
            if (Libc.statxFd(fd, emptyPath, statx) != 0 || Libc.statxSameFile(statx, eventStatx)) return null;
            String path = proc.fdPath(fd);
            return path.isEmpty() ? null : path;
        } finally {
            Libc.close(fd);
        }
    }

    private int openInRoot(int pid, String path) {
        int root = proc.openRoot(pid);
        if (root < 0) return root;
        try (Arena call = Arena.ofConfined()) {
            return Libc.openPathInRoot(root, call.allocateFrom(path), how);
        } finally {
            Libc.close(root);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
