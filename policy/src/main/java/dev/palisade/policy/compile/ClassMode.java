package dev.palisade.policy.compile;

/** Whether an operation class of a rule set is an allow-list, and whether that allow-list is enforced. */
public enum ClassMode {
    /** No Allow rule selects the container for this class: only Block and Audit rules act. */
    OPEN,
    /** Least-permissive: what no rule allows gets the posture. */
    LEAST_PERMISSIVE,
    /** Least-permissive, but only through dry-run policies: misses are reported as they would be, never denied. */
    LEAST_PERMISSIVE_DRY_RUN;

    public boolean leastPermissive() {
        return this != OPEN;
    }
}
