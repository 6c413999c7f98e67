package dev.palisade.policy.compile;

import java.util.List;

/**
 * The spellings of a policy path that reach the same file inside a container, so a rule on {@code /bin/bash}
 * also matches the {@code /usr/bin/bash} the kernel reports on a merged-/usr image. The result always contains
 * the path itself, first.
 */
@FunctionalInterface
public interface PathAliases {
    /** Only the path as written: what {@code simulate} uses when it has no container filesystem to look at. */
    PathAliases NONE = List::of;

    /**
     * @param path an absolute path; a directory ends in '/' and its aliases must too
     */
    List<String> aliases(String path);
}
