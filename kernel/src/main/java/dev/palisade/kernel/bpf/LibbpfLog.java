package dev.palisade.kernel.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.palisade.kernel.ffm.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes libbpf's log (libbpf_set_print) to SLF4J logger {@code dev.palisade.kernel.bpf.libbpf} through an
 * FFM upcall that formats with vsnprintf. The upcall never throws (an exception escaping an upcall kills
 * the JVM) and formats only what will be logged. While a {@link Capture} is open on a thread, libbpf's
 * warnings on that thread are collected for the exception its caller is about to throw (and logged at
 * debug only, so an expected failure, like the BPF-LSM probe on a kernel without it, does not warn twice).
 */
final class LibbpfLog {
    static final String LOGGER_NAME = "dev.palisade.kernel.bpf.libbpf";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);
    private static final int LIBBPF_WARN = 0;
    private static final int LIBBPF_INFO = 1;
    private static final int BUFFER_SIZE = 8192;

    private static final ThreadLocal<List<String>> CAPTURE = new ThreadLocal<>();
    private static final ThreadLocal<MemorySegment> BUFFER =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(BUFFER_SIZE));

    private LibbpfLog() {}

    static void install(MethodHandle setPrint) {
        // va_list reaches the callback as a pointer (x86-64: array decay; AArch64: by-reference aggregate),
        // so it can be handed on to vsnprintf unchanged. Elsewhere libbpf keeps printing to stderr.
        String arch = System.getProperty("os.arch");
        if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
            LOG.debug("libbpf log stays on stderr: va_list passing not verified on {}", arch);
            return;
        }
        try {
            MethodHandle target = MethodHandles.lookup().findStatic(LibbpfLog.class, "print",
                    MethodType.methodType(int.class, int.class, MemorySegment.class, MemorySegment.class));
            MemorySegment stub = Linker.nativeLinker().upcallStub(target,
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), Arena.global());
            MemorySegment unusedPrevious = (MemorySegment) setPrint.invokeExact(stub);
        } catch (Throwable t) {
            LOG.warn("cannot route libbpf's log to SLF4J; it stays on stderr", t);
        }
    }

    /** Collects libbpf warnings of the current thread until closed. Not reentrant. */
    static Capture capture() {
        List<String> lines = new ArrayList<>();
        CAPTURE.set(lines);
        return new Capture(lines);
    }

    static final class Capture implements AutoCloseable {
        private final List<String> lines;

        private Capture(List<String> lines) {
            this.lines = lines;
        }

        /** The warnings so far, one per line. */
        String text() {
            return String.join("\n", lines);
        }

        @Override
        public void close() {
            CAPTURE.remove();
        }
    }

    private static int print(int level, MemorySegment format, MemorySegment args) {
        try {
            List<String> capture = level == LIBBPF_WARN ? CAPTURE.get() : null;
            boolean enabled = switch (level) {
                case LIBBPF_WARN -> capture != null ? LOG.isDebugEnabled() : LOG.isWarnEnabled();
                case LIBBPF_INFO -> LOG.isInfoEnabled();
                default -> LOG.isDebugEnabled();
            };
            if (!enabled && capture == null) return 0;
            MemorySegment buf = BUFFER.get();
            int n = Libc.vsnprintf(buf, format, args);
            if (n < 0) return 0;
            String message = buf.getString(0).stripTrailing();
            if (capture != null) {
                capture.add(message);
                LOG.debug("{}", message);
            } else if (level == LIBBPF_WARN) {
                LOG.warn("{}", message);
            } else if (level == LIBBPF_INFO) {
                LOG.info("{}", message);
            } else {
                LOG.debug("{}", message);
            }
            return n;
        } catch (Throwable t) {
            return 0;
        }
    }
}
