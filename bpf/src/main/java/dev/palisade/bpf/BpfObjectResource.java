package dev.palisade.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The BPF objects this jar carries, compiled from {@code bpf/src/main/bpf/*.bpf.c} by the build. Loaders
 * read them through {@link #bytes()}; nothing here touches the kernel.
 */
public enum BpfObjectResource {
    /** The system monitor: tracepoint programs writing palisade_event.h records into its {@code events} ring. */
    MONITOR("monitor.bpf.o"),
    /** A 2-instruction LSM program: loading and attaching it is the BPF-LSM feature test. */
    PROBE_LSM("probe_lsm.bpf.o"),
    /** Empty tracepoint and tp_btf programs: the monitor's attachment kinds, for the feature probe. */
    PROBE_TRACING("probe_tracing.bpf.o"),
    /** The ring buffer self-test producer (sequenced records on getpid() of one thread). */
    RING_SELFTEST("ring_selftest.bpf.o"),
    /** Synthetic monitor-ABI file-open records on getpid() of one thread: the pipeline benchmark's producer. */
    PIPELINE_BENCH("pipeline_bench.bpf.o"),
    /** The BPF-LSM enforcer: LSM hooks deciding from per-container rule maps, and palisade_decide (test runs). */
    ENFORCER("enforcer.bpf.o");

    private final String fileName;

    BpfObjectResource(String fileName) {
        this.fileName = fileName;
    }

    public String fileName() {
        return fileName;
    }

    /** Classpath location, e.g. {@code dev/palisade/bpf/monitor.bpf.o}. */
    public String resourcePath() {
        return "dev/palisade/bpf/" + fileName;
    }

    /** The object file's bytes. */
    public byte[] bytes() {
        try (InputStream in = BpfObjectResource.class.getClassLoader().getResourceAsStream(resourcePath())) {
            if (in == null) {
                throw new IllegalStateException("BPF object " + resourcePath()
                        + " is not on the classpath: the palisade-bpf jar was built without it (run the bpf/ build)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read BPF object " + resourcePath(), e);
        }
    }
}
