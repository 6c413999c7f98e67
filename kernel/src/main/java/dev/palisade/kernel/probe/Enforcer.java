package dev.palisade.kernel.probe;

/** How this node enforces policy, best first. */
public enum Enforcer {
    /** BPF-LSM programs decide in the kernel (EACCES on denial, as KubeArmor). */
    BPF_LSM,
    /** fanotify permission events answered by the agent (EPERM on denial): files and executables only. */
    FANOTIFY,
    /** Nothing can deny: violations are reported only. */
    AUDIT_ONLY;

    /** The best enforcer the capabilities allow. */
    public static Enforcer choose(Feature bpfLsm, Feature fanotifyPermissions) {
        if (bpfLsm.available()) return BPF_LSM;
        if (fanotifyPermissions.available()) return FANOTIFY;
        return AUDIT_ONLY;
    }
}
