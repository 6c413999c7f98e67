package dev.palisade.kernel.ring;

/**
 * Counters of one ring reader.
 *
 * @param records records handed to the handler
 * @param bytes payload bytes of those records
 * @param discarded records the producer discarded (bpf_ringbuf_discard), skipped
 * @param lost records the producer could not reserve because the ring was full (kernel-side count)
 * @param batches drain passes that consumed at least one record
 * @param handlerErrors exceptions thrown by the handler
 * @param wakeups epoll waits that ended with the ring readable
 */
public record RingBufferStats(long records, long bytes, long discarded, long lost, long batches, long handlerErrors,
                              long wakeups) {}
