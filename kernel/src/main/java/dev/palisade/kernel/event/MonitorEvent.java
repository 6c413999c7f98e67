package dev.palisade.kernel.event;

/** A decoded monitor record: immutable, safe to hand across threads, actors and stream stages. */
public sealed interface MonitorEvent permits ProcessExec, ProcessExit, FileOpen, SocketEvent, CapabilityCheck {
    EventHeader header();
}
