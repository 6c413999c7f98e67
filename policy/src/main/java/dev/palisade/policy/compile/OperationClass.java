package dev.palisade.policy.compile;

/** The classes that switch into least-permissive mode independently of each other. */
public enum OperationClass {
    PROCESS("Process"), FILE("File"), NETWORK("Network"), CAPABILITIES("Capabilities");

    private final String operation;

    OperationClass(String operation) {
        this.operation = operation;
    }

    /** The {@code Operation} value of KubeArmor's alerts and logs. */
    public String operation() {
        return operation;
    }

    /** The posture setting that governs this class: file posture covers process and file. */
    public PostureClass postureClass() {
        return switch (this) {
            case PROCESS, FILE -> PostureClass.FILE;
            case NETWORK -> PostureClass.NETWORK;
            case CAPABILITIES -> PostureClass.CAPABILITIES;
        };
    }
}
