package dev.palisade.kernel.enforce;

/** How this node enforces, best first. */
public enum EnforcerKind {
    /** BPF-LSM programs deny in the kernel (EACCES, "Permission denied"). */
    BPF_LSM("BPFLSM"),
    /** fanotify permission events answered by the agent (EPERM, "Operation not permitted"): exec and open only. */
    FANOTIFY("fanotify"),
    /** Nothing can be denied here: every verdict is reported, none enforced. */
    AUDIT_ONLY("eBPF Monitor");

    private final String alertName;

    EnforcerKind(String alertName) {
        this.alertName = alertName;
    }

    /** The {@code Enforcer} field of alerts. */
    public String alertName() {
        return alertName;
    }
}
