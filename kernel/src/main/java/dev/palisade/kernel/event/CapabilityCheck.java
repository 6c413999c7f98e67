package dev.palisade.kernel.event;

/** A capability check (capable()/ns_capable()): {@code result} 0 granted, negative errno denied. */
public record CapabilityCheck(EventHeader header, int capability, int result) implements MonitorEvent {}
