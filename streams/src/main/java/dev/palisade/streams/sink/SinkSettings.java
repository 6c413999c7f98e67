package dev.palisade.streams.sink;

import dev.palisade.streams.TelemetryKind;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.apache.pekko.stream.RestartSettings;

/**
 * What every sink has in common.
 *
 * @param bufferSize records the sink may hold before it drops new ones
 * @param kinds which kinds of record the sink takes (the others are not offered to it)
 * @param minBackoff first delay before a crashed delivery stage is made again
 * @param maxBackoff the longest such delay
 * @param randomFactor jitter added to each delay (0.2 = up to 20 %)
 */
public record SinkSettings(int bufferSize, Set<TelemetryKind> kinds, Duration minBackoff, Duration maxBackoff,
                           double randomFactor) {
    public SinkSettings {
        if (bufferSize < 1) throw new IllegalArgumentException("buffer-size must be at least 1, was " + bufferSize);
        if (kinds.isEmpty()) throw new IllegalArgumentException("kinds must name at least one of alerts, logs, messages");
        kinds = Set.copyOf(kinds);
    }

    public static SinkSettings defaults(int bufferSize) {
        return new SinkSettings(bufferSize, EnumSet.allOf(TelemetryKind.class), Duration.ofMillis(200),
                Duration.ofSeconds(10), 0.2);
    }

    public SinkSettings withKinds(Set<TelemetryKind> k) {
        return new SinkSettings(bufferSize, k, minBackoff, maxBackoff, randomFactor);
    }

    public SinkSettings withBackoff(Duration min, Duration max) {
        return new SinkSettings(bufferSize, kinds, min, max, randomFactor);
    }

    RestartSettings restartSettings() {
        return RestartSettings.create(minBackoff, maxBackoff, randomFactor);
    }
}
