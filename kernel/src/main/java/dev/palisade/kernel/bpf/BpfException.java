package dev.palisade.kernel.bpf;

import dev.palisade.kernel.ffm.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A libbpf call failed. The message names the operation and its subject, libbpf's own text for the error,
 * the warnings libbpf logged during the call and, for program loads, the tail of the verifier log.
 */
public final class BpfException extends RuntimeException {
    private final int errno;
    private final String verifierLog;

    BpfException(String operation, int error, String libbpfWarnings, String verifierLog) {
        super(message(operation, error, libbpfWarnings, verifierLog));
        this.errno = Math.abs(error);
        this.verifierLog = verifierLog == null ? "" : verifierLog;
    }

    BpfException(String operation, int error) {
        this(operation, error, null, null);
    }

    /** The positive error number (an errno, or one of libbpf's LIBBPF_ERRNO__* codes above 4000). */
    public int errno() {
        return errno;
    }

    /** The whole verifier log of a failed program load, or "". */
    public String verifierLog() {
        return verifierLog;
    }

    private static String message(String operation, int error, String warnings, String verifierLog) {
        StringBuilder b = new StringBuilder(operation).append(": ").append(describe(error));
        if (warnings != null && !warnings.isBlank()) b.append('\n').append(warnings.strip());
        if (verifierLog != null && !verifierLog.isBlank()) {
            b.append("\nverifier log (last lines):\n").append(tail(verifierLog, 25));
        }
        return b.toString();
    }

    /** libbpf_strerror's text (it knows errno and libbpf's own codes) with the symbolic errno name. */
    static String describe(int error) {
        int e = Math.abs(error);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256);
            int rc = (int) Libbpf.STRERROR.invokeExact(e, buf, buf.byteSize());
            String text = buf.getString(0);
            if (rc == 0 && !text.isBlank()) return text + (e < 4000 ? " (" + Errno.name(e) + ")" : "");
        } catch (Throwable t) {
            // fall through to the C library's text
        }
        return Errno.describe(e);
    }

    private static String tail(String log, int lines) {
        String[] all = log.strip().split("\n");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
    }
}
