package dev.palisade.kernel.event;

/** A process (thread group) ended; {@code exitCode} is the kernel's wait status. */
public record ProcessExit(EventHeader header, int exitCode) implements MonitorEvent {

    /** exit(2) status, meaningful when no signal ended the process. */
    public int exitStatus() {
        return (exitCode >> 8) & 0xff;
    }

    /** The signal that ended the process, 0 if none. */
    public int terminatingSignal() {
        return exitCode & 0x7f;
    }
}
