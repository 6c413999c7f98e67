package dev.palisade.kernel.bpf;

/** What libbpf and the kernel offer, asked without loading any object. */
public final class BpfFeatures {
    /** enum bpf_prog_type values used by the node probe */
    public static final int PROG_TYPE_TRACEPOINT = 5;
    public static final int PROG_TYPE_TRACING = 26;
    public static final int PROG_TYPE_LSM = 29;

    private BpfFeatures() {}

    /** "1.1" for libbpf.so.1 1.1.x. */
    public static String libbpfVersion() {
        try {
            return (int) Libbpf.MAJOR_VERSION.invokeExact() + "." + (int) Libbpf.MINOR_VERSION.invokeExact();
        } catch (Throwable t) {
            throw Libbpf.unexpected("libbpf_major_version", t);
        }
    }

    /** Whether the kernel can create maps of the type (libbpf_probe_bpf_map_type). */
    public static boolean supportsMapType(BpfMapType type) {
        int rc;
        try {
            rc = (int) Libbpf.PROBE_MAP_TYPE.invokeExact(type.code(), java.lang.foreign.MemorySegment.NULL);
        } catch (Throwable t) {
            throw Libbpf.unexpected("libbpf_probe_bpf_map_type", t);
        }
        if (rc < 0) throw new BpfException("probe map type " + type, rc);
        return rc == 1;
    }

    /** Whether the kernel loads a trivial program of the type (libbpf_probe_bpf_prog_type). */
    public static boolean supportsProgramType(int progType) {
        int rc;
        try {
            rc = (int) Libbpf.PROBE_PROG_TYPE.invokeExact(progType, java.lang.foreign.MemorySegment.NULL);
        } catch (Throwable t) {
            throw Libbpf.unexpected("libbpf_probe_bpf_prog_type", t);
        }
        if (rc < 0) throw new BpfException("probe program type " + progType, rc);
        return rc == 1;
    }
}
