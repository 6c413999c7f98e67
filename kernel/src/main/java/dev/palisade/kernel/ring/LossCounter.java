package dev.palisade.kernel.ring;

/** Records the producer could not write because the ring was full (kept in the kernel, e.g. a per-CPU map). */
@FunctionalInterface
public interface LossCounter {
    LossCounter NONE = () -> 0;

    long lost();
}
