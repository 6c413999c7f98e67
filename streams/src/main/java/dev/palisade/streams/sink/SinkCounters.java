package dev.palisade.streams.sink;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The accounting of one sink. Every record offered to the sink ends up delivered or dropped for one
 * {@link DropReason}; until then it is in flight (queued in the sink's buffer or inside its delivery stage).
 * Written from stream stages and read by metrics and tests from any thread.
 */
public final class SinkCounters {
    private final String sink;
    private final LongAdder offered = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder[] dropped = new LongAdder[DropReason.values().length];
    private final LongAdder errors = new LongAdder();
    private final LongAdder restarts = new LongAdder();
    private final AtomicInteger queued = new AtomicInteger();

    public SinkCounters(String sink) {
        this.sink = sink;
        for (int i = 0; i < dropped.length; i++) dropped[i] = new LongAdder();
    }

    public String sink() { return sink; }

    void countOffered() { offered.increment(); }

    void countOffered(int n) { offered.add(n); }

    void countDropped(DropReason reason, long n) { if (n > 0) dropped[reason.ordinal()].add(n); }

    void countSettled(Delivery d) {
        if (d.delivered() > 0) delivered.add(d.delivered());
        if (d.failed() > 0) dropped[DropReason.DELIVERY_FAILED.ordinal()].add(d.failed());
    }

    /** A failed request, a failed write, a crash of the delivery stage: one per event, not per record. */
    public void countError() { errors.increment(); }

    void countRestart() { restarts.increment(); }

    void setQueueDepth(int depth) { queued.lazySet(depth); }

    public long offered() { return offered.sum(); }

    public long delivered() { return delivered.sum(); }

    public long dropped(DropReason reason) { return dropped[reason.ordinal()].sum(); }

    public long dropped() {
        long n = 0;
        for (LongAdder d : dropped) n += d.sum();
        return n;
    }

    public long errors() { return errors.sum(); }

    public long restarts() { return restarts.sum(); }

    /** Records waiting in the sink's buffer: how far the sink lags behind the hub. */
    public int queueDepth() { return queued.get(); }

    /** Offered but neither delivered nor dropped yet. */
    public long inFlight() {
        return offered() - delivered() - dropped();
    }

    @Override
    public String toString() {
        return sink + "{offered=" + offered() + ", delivered=" + delivered() + ", dropped[buffer_full="
                + dropped(DropReason.BUFFER_FULL) + ", delivery_failed=" + dropped(DropReason.DELIVERY_FAILED)
                + ", aborted=" + dropped(DropReason.ABORTED) + "], errors=" + errors() + ", restarts=" + restarts()
                + ", queued=" + queueDepth() + "}";
    }
}
