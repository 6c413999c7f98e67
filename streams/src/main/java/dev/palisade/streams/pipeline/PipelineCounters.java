package dev.palisade.streams.pipeline;

import java.util.concurrent.atomic.AtomicLong;

/** What the processing stage counted; read by metrics from any thread. */
public final class PipelineCounters {
    final AtomicLong events = new AtomicLong();
    final AtomicLong logs = new AtomicLong();
    final AtomicLong alerts = new AtomicLong();
    final AtomicLong throttled = new AtomicLong();
    final AtomicLong unknownContainer = new AtomicLong();
    final AtomicLong droppedDecisions = new AtomicLong();

    public long events() { return events.get(); }

    public long logs() { return logs.get(); }

    public long alerts() { return alerts.get(); }

    /** Alerts dropped by throttling. */
    public long throttled() { return throttled.get(); }

    /** Counts an enforcer decision that could not be queued for reporting. */
    public void countDroppedDecision() { droppedDecisions.incrementAndGet(); }

    /** Enforcer decisions not reported because the buffer was full. */
    public long droppedDecisions() { return droppedDecisions.get(); }

    /** Events from a cgroup no known container owns (yet). */
    public long unknownContainer() { return unknownContainer.get(); }
}
