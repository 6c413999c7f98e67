package dev.palisade.streams.logs;

import java.util.Locale;

/**
 * Which feeder streams {@code palisade logs --filter} watches, as {@code karmor logs --logFilter} does:
 * {@code policy} = alerts (WatchAlerts), {@code system} = visibility logs (WatchLogs), {@code all} = both.
 */
public enum LogFilter {
    POLICY, SYSTEM, ALL;

    public boolean alerts() {
        return this != SYSTEM;
    }

    public boolean logs() {
        return this != POLICY;
    }

    public static LogFilter parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("--filter: '" + value + "' is not one of policy, system, all", e);
        }
    }
}
