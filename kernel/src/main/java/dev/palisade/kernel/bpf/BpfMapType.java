package dev.palisade.kernel.bpf;

/** The map types Palisade uses (enum bpf_map_type values). */
public enum BpfMapType {
    HASH(1),
    ARRAY(2),
    PERCPU_HASH(5),
    PERCPU_ARRAY(6),
    LRU_HASH(9),
    LRU_PERCPU_HASH(10),
    HASH_OF_MAPS(13),
    RINGBUF(27),
    OTHER(-1);

    private final int code;

    BpfMapType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public boolean perCpu() {
        return this == PERCPU_HASH || this == PERCPU_ARRAY || this == LRU_PERCPU_HASH;
    }

    public static BpfMapType of(int code) {
        for (BpfMapType t : values()) if (t.code == code) return t;
        return OTHER;
    }
}
