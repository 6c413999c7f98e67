package dev.palisade.kernel.sys;

/** One line of /proc/self/mountinfo. */
public record MountEntry(int id, int parentId, String root, String mountPoint, String fsType, String source,
                         String options) {}
