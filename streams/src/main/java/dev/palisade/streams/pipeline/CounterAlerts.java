package dev.palisade.streams.pipeline;

import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.TelemetryTypes;
import dev.palisade.telemetry.UpdatedTimeText;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * A rate-limited {@code SystemEvent} alert over counters of things that should not happen: read once per interval,
 * one alert names each counter that grew since the previous one and by how much; nothing is said while none grows.
 * The agent has two: what was lost ({@link #drops}: the ring, the pipeline's source, the hub, each sink by reason,
 * gRPC clients, enforcer decisions) and enforcer decisions that failed and were answered by the fail-open or
 * fail-closed setting ({@link #enforcerFailures}). The alert travels through the hub like any other, so a sink that is
 * dropping may drop it too: its counters still say so, and the next alert counts that as well.
 */
public final class CounterAlerts {
    /** One counter: a short name for the alert and where its running total is read. */
    public record Counter(String name, LongSupplier total) {}

    private final NodeIdentity node;
    private final String operation;
    private final String what;
    private final List<Counter> counters;
    private final long[] reported;

    /** Records lost anywhere: Operation {@code Dropped}. */
    public static CounterAlerts drops(NodeIdentity node, List<Counter> counters) {
        return new CounterAlerts(node, TelemetryTypes.OP_DROPPED, "record(s) dropped", counters);
    }

    /** Enforcer decisions that failed: Operation {@code EnforcerFailure}. */
    public static CounterAlerts enforcerFailures(NodeIdentity node, boolean failClosed, List<Counter> counters) {
        return new CounterAlerts(node, TelemetryTypes.OP_ENFORCER_FAILURE,
                "enforcer decision(s) failed and were answered " + (failClosed ? "deny (fail-closed)" : "allow (fail-open)"),
                counters);
    }

    /**
     * Starts from the counters' current totals: what happened before it existed is not reported.
     *
     * @param what what a count is of, for the message ("record(s) dropped")
     */
    public CounterAlerts(NodeIdentity node, String operation, String what, List<Counter> counters) {
        this.node = node;
        this.operation = operation;
        this.what = what;
        this.counters = List.copyOf(counters);
        this.reported = new long[this.counters.size()];
        for (int i = 0; i < reported.length; i++) reported[i] = this.counters.get(i).total().getAsLong();
    }

    /** The alert for what the counters counted since the previous call (made {@code since} ago), empty when nothing. */
    public synchronized Optional<Alert> next(Instant now, Duration since) {
        StringBuilder data = new StringBuilder();
        StringBuilder message = new StringBuilder();
        long all = 0;
        for (int i = 0; i < reported.length; i++) {
            long total = counters.get(i).total().getAsLong();
            long lost = total - reported[i];
            reported[i] = total;
            if (lost <= 0) continue;
            all += lost;
            String name = counters.get(i).name();
            if (!data.isEmpty()) {
                data.append(' ');
                message.append(", ");
            }
            data.append(name).append('=').append(lost);
            message.append(lost).append(' ').append(name);
        }
        if (all == 0) return Optional.empty();
        return Optional.of(Alert.builder()
                .timestamp(now.getEpochSecond())
                .updatedTime(UpdatedTimeText.of(now))
                .clusterName(node.clusterName())
                .hostName(node.hostName())
                .type(TelemetryTypes.SYSTEM_EVENT)
                .operation(operation)
                .data(data.toString())
                .message(all + " " + what + " in the last " + since.toSeconds() + " s: " + message)
                .result("Passed")
                .build());
    }
}
