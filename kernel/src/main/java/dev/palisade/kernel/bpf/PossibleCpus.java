package dev.palisade.kernel.bpf;

/** Number of possible CPUs (libbpf_num_possible_cpus): the slot count of per-CPU map values. */
public final class PossibleCpus {
    private static volatile int count;

    private PossibleCpus() {}

    public static int count() {
        int c = count;
        if (c > 0) return c;
        try {
            c = (int) Libbpf.NUM_POSSIBLE_CPUS.invokeExact();
        } catch (Throwable t) {
            throw Libbpf.unexpected("libbpf_num_possible_cpus", t);
        }
        if (c <= 0) throw new BpfException("count possible CPUs (/sys/devices/system/cpu/possible)", c);
        count = c;
        return c;
    }
}
