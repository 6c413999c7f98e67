package dev.palisade.telemetry;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * KubeArmor's UpdatedTime: UTC with microseconds, always six digits ({@code 2026-11-22T10:00:00.123456Z}). An
 * instance keeps the text of the last second it formatted, since a stream of events mostly shares its second;
 * it belongs to one thread.
 */
public final class UpdatedTimeText {
    private static final DateTimeFormatter FULL =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final int PREFIX = 19;

    private long second = Long.MIN_VALUE;
    private final char[] text = new char[PREFIX + 8];

    /** The text for an instant given as epoch seconds and nanoseconds within the second. */
    public String format(long epochSecond, int nanos) {
        if (epochSecond != second) {
            String prefix = SECONDS.format(Instant.ofEpochSecond(epochSecond));
            if (prefix.length() != PREFIX) return of(Instant.ofEpochSecond(epochSecond, nanos)); // not a 4-digit year
            prefix.getChars(0, PREFIX, text, 0);
            text[PREFIX] = '.';
            text[PREFIX + 7] = 'Z';
            second = epochSecond;
        }
        int micros = nanos / 1000;
        for (int i = PREFIX + 6; i > PREFIX; i--) {
            text[i] = (char) ('0' + micros % 10);
            micros /= 10;
        }
        return new String(text);
    }

    /** The same text without a cache, for one-off records. */
    public static String of(Instant t) {
        return FULL.format(t);
    }
}
