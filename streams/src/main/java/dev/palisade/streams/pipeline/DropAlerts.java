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
 * The rate-limited {@code SystemEvent} alert that says what was lost. Every drop counter of the agent (the ring, the
 * pipeline's source, the hub, each sink by reason, gRPC clients, enforcer decisions) is read once per interval, and one
 * alert names each that grew since the previous one and by how much; nothing is said while nothing is lost. The
 * alert travels through the hub like any other, so a sink that is dropping may drop it too: its counters still say
 * so, and the next alert counts that as well.
 */
public final class DropAlerts {
    /** One drop counter: a short name for the alert and where its running total is read. */
    public record Counter(String name, LongSupplier total) {}

    private final NodeIdentity node;
    private final List<Counter> counters;
    private final long[] reported;

    /** Starts from the counters' current totals: what was lost before it existed is not reported. */
    public DropAlerts(NodeIdentity node, List<Counter> counters) {
        this.node = node;
        this.counters = List.copyOf(counters);
        this.reported = new long[this.counters.size()];
        for (int i = 0; i < reported.length; i++) reported[i] = this.counters.get(i).total().getAsLong();
    }

    /** The alert for what was dropped since the previous call (made {@code since} ago), empty when nothing was. */
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
                .operation(TelemetryTypes.OP_DROPPED)
                .data(data.toString())
                .message(all + " record(s) dropped in the last " + since.toSeconds() + " s: " + message
                        + " (totals in the palisade_*dropped* metrics)")
                .result("Passed")
                .build());
    }
}
