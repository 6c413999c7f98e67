package dev.palisade.kernel.event;

/**
 * An open/openat/openat2/creat.
 *
 * @param path the path as handed to the system call (relative paths are relative to dirfd or the cwd)
 * @param result the new fd, or -errno
 */
public record FileOpen(EventHeader header, FileSyscall syscall, int dirfd, int flags, int mode, int result,
                       String path, boolean pathTruncated) implements MonitorEvent {

    public static final int AT_FDCWD = -100;

    public boolean succeeded() {
        return result >= 0;
    }
}
