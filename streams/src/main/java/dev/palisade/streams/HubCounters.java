package dev.palisade.streams;

import java.util.concurrent.atomic.LongAdder;

/** The hub's own accounting: records offered to it, and those it refused because its buffer was full. */
public final class HubCounters {
    private final LongAdder offered = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    void countOffered(int n) { offered.add(n); }

    void countDropped(int n) { dropped.add(n); }

    public long offered() { return offered.sum(); }

    /** Refused by the hub (buffer full, or the hub already closed); these reach no sink. */
    public long dropped() { return dropped.sum(); }

    @Override
    public String toString() {
        return "hub{offered=" + offered() + ", dropped=" + dropped() + "}";
    }
}
