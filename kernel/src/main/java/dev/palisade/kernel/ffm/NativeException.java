package dev.palisade.kernel.ffm;

/** A system or library call failed; carries the positive errno and names the call and its subject. */
public class NativeException extends RuntimeException {
    private final int errno;

    public NativeException(String operation, int errno) {
        this(operation, errno, null);
    }

    public NativeException(String operation, int errno, String detail) {
        super(operation + ": " + Errno.describe(errno) + (detail == null || detail.isBlank() ? "" : "\n" + detail));
        this.errno = Math.abs(errno);
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }
}
