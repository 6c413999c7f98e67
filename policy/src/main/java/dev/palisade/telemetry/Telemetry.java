package dev.palisade.telemetry;

/**
 * One record of KubeArmor's telemetry: an {@link Alert}, a {@link Log} or an {@link AgentMessage}. The output side
 * of the pipeline (hub, sinks, gRPC feeder) carries these without wrapping them, and switches on the three kinds.
 */
public sealed interface Telemetry permits Alert, Log, AgentMessage {
    /** Seconds since the epoch, as KubeArmor stamps its records (0 when unknown). */
    long timestamp();

    /** The node that produced the record. */
    String hostName();
}
