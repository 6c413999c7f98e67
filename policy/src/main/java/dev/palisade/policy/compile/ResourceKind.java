package dev.palisade.policy.compile;

/** How a rule names its resource. */
public enum ResourceKind {
    /** An exact path. */
    PATH,
    /** A directory ending in '/': its direct children, or everything below when recursive. */
    DIRECTORY,
    /** The last path component of an executable. */
    EXEC_NAME,
    /** A glob over the whole path. */
    PATTERN,
    /** A protocol or socket type name (lower case). */
    PROTOCOL,
    /** A capability name without prefix (lower case). */
    CAPABILITY
}
