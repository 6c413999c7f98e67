package dev.palisade.telemetry;

/** The fixed strings of KubeArmor's schema: record types, operations, results and enforcer names. */
public final class TelemetryTypes {
    private TelemetryTypes() {}

    public static final String MATCHED_POLICY = "MatchedPolicy";
    public static final String MATCHED_HOST_POLICY = "MatchedHostPolicy";
    public static final String SYSTEM_EVENT = "SystemEvent";
    public static final String CONTAINER_LOG = "ContainerLog";
    public static final String HOST_LOG = "HostLog";

    public static final String OP_PROCESS = "Process";
    public static final String OP_FILE = "File";
    public static final String OP_NETWORK = "Network";
    public static final String OP_CAPABILITIES = "Capabilities";
    public static final String OP_SYSCALL = "Syscall";
    /** Operation of the one alert that says a container's alerts are being throttled. */
    public static final String OP_ALERT_THRESHOLD = "AlertThreshold";
    /** A system event saying how many records were dropped, and where, since the previous one. */
    public static final String OP_DROPPED = "Dropped";
    /** A system event saying how many enforcer decisions failed (answered by the fail-open/closed setting). */
    public static final String OP_ENFORCER_FAILURE = "EnforcerFailure";

    public static final String PASSED = "Passed";
    /** errno EACCES: what BPF-LSM returns, as KubeArmor does. */
    public static final String PERMISSION_DENIED = "Permission denied";
    /** errno EPERM: what a fanotify permission denial returns. */
    public static final String OPERATION_NOT_PERMITTED = "Operation not permitted";

    public static final String DEFAULT_POSTURE = "DefaultPosture";

    public static final String ENFORCER_BPF_LSM = "BPFLSM";
    public static final String ENFORCER_FANOTIFY = "fanotify";
    public static final String ENFORCER_MONITOR = "eBPF Monitor";
}
