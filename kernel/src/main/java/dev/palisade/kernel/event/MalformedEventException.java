package dev.palisade.kernel.event;

/** A record the decoder cannot read: unknown kind, other ABI version, or too short for its kind. */
public final class MalformedEventException extends RuntimeException {
    public MalformedEventException(String message) {
        super(message);
    }
}
