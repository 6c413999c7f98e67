package dev.palisade.agent.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Durations as users type them on the command line: {@code 30s}, {@code 90m}, {@code 24h}, {@code 7d}. */
final class DurationText {
    private DurationText() {}

    static Duration parse(String option, String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        try {
            Duration d = s.endsWith("d") ? Duration.ofDays(Long.parseLong(s.substring(0, s.length() - 1)))
                    : Duration.parse("PT" + s.toUpperCase(Locale.ROOT));
            if (d.isNegative()) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(option + " \"" + text + "\" is not a duration like 30s, 90m, 24h or 7d");
        }
    }
}
