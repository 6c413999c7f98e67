package dev.palisade.kernel.event;

/**
 * What every monitor record says about the task that caused it.
 *
 * @param timestampNanos CLOCK_BOOTTIME nanoseconds (see {@code dev.palisade.kernel.sys.BootClock})
 * @param cgroupId cgroup v2 id (inode of the cgroup2 directory)
 * @param pid thread group id, host view
 * @param tid thread id, host view
 * @param ppid real parent's thread group id, host view
 * @param nsPid pid in the task's own pid namespace (what a container sees)
 * @param nsPpid parent's pid in that namespace, 0 when the parent lies outside it
 * @param mountNamespace mount namespace inode number
 * @param pidNamespace pid namespace inode number
 */
public record EventHeader(EventKind kind, long timestampNanos, long cgroupId, int pid, int tid, int ppid, int nsPid,
                          int nsPpid, int uid, int gid, long mountNamespace, long pidNamespace, String comm) {}
