package dev.palisade.streams;

import dev.palisade.telemetry.AgentMessage;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.Telemetry;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The three kinds of telemetry record, named as the configuration names them ({@code alerts}, {@code logs}, {@code messages}). */
public enum TelemetryKind {
    ALERTS, LOGS, MESSAGES;

    public static TelemetryKind of(Telemetry record) {
        return switch (record) {
            case Alert a -> ALERTS;
            case Log l -> LOGS;
            case AgentMessage m -> MESSAGES;
        };
    }

    /** The name used in configuration and metric tags. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a list such as {@code [alerts, logs]}; {@code where} names the configuration key for the error message.
     */
    public static Set<TelemetryKind> parseAll(List<String> names, String where) {
        EnumSet<TelemetryKind> kinds = EnumSet.noneOf(TelemetryKind.class);
        for (String n : names) {
            try {
                kinds.add(valueOf(n.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": unknown record kind '" + n
                        + "' (expected alerts, logs or messages)", e);
            }
        }
        return kinds;
    }
}
