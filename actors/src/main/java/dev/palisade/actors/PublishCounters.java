package dev.palisade.actors;

import java.util.concurrent.atomic.LongAdder;

/** Counts of what the actors put into force, for the agent's metrics. */
public final class PublishCounters {
    private final LongAdder published = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder removed = new LongAdder();

    void published() {
        published.increment();
    }

    void refused() {
        refused.increment();
    }

    void removed() {
        removed.increment();
    }

    /** Rule sets the enforcer accepted (containers and host). */
    public long publishes() {
        return published.sum();
    }

    /** Attempts the enforcer refused; each is retried with backoff. */
    public long refusals() {
        return refused.sum();
    }

    /** Containers whose rules were taken out of force because they stopped. */
    public long removals() {
        return removed.sum();
    }
}
