package dev.palisade.streams.elasticsearch;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An index name with optional date parts in Logstash's notation, e.g. {@code palisade-alerts-%{yyyy.MM.dd}}: each
 * {@code %{...}} is a {@link DateTimeFormatter} pattern applied to the record's time in UTC. Names are cached per
 * hour of record time, so a pattern finer than an hour is rejected.
 */
public final class IndexNamePattern {
    private static final Pattern DATE_PART = Pattern.compile("%\\{([^}]*)}");
    private static final Pattern BAD_LITERAL = Pattern.compile("[A-Z\\\\/*?\"<>| ,#:]");
    private static final Pattern FINER_THAN_HOUR = Pattern.compile("[msSnNA]");

    private final String pattern;
    private final List<Object> parts = new ArrayList<>(); // String literals and DateTimeFormatters
    private final boolean dated;
    private volatile Cached cached = new Cached(Long.MIN_VALUE, null);

    private record Cached(long hour, String name) {}

    private IndexNamePattern(String pattern) {
        this.pattern = pattern;
        Matcher m = DATE_PART.matcher(pattern);
        int at = 0;
        boolean anyDate = false;
        while (m.find()) {
            addLiteral(pattern.substring(at, m.start()));
            String fmt = m.group(1);
            String unquoted = fmt.replaceAll("'[^']*'", "");
            if (FINER_THAN_HOUR.matcher(unquoted).find()) {
                throw new IllegalArgumentException("index name '" + pattern + "': date part %{" + fmt
                        + "} is finer than an hour (allowed: years, months, weeks, days, hours)");
            }
            try {
                parts.add(DateTimeFormatter.ofPattern(fmt).withZone(ZoneOffset.UTC));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("index name '" + pattern + "': bad date part %{" + fmt + "}: "
                        + e.getMessage(), e);
            }
            anyDate = true;
            at = m.end();
        }
        addLiteral(pattern.substring(at));
        if (parts.isEmpty()) throw new IllegalArgumentException("index name must not be empty");
        this.dated = anyDate;
    }

    private void addLiteral(String literal) {
        if (literal.isEmpty()) return;
        Matcher bad = BAD_LITERAL.matcher(literal);
        if (bad.find()) {
            throw new IllegalArgumentException("index name '" + pattern + "': character '" + bad.group()
                    + "' is not allowed in an Elasticsearch index name (lowercase, no \\ / * ? \" < > | , # : or space)");
        }
        parts.add(literal);
    }

    public static IndexNamePattern parse(String pattern) {
        if (pattern == null || pattern.isBlank()) throw new IllegalArgumentException("index name must not be empty");
        return new IndexNamePattern(pattern);
    }

    /** The index for a record stamped {@code epochSeconds} (0 or less: now). */
    public String resolve(long epochSeconds) {
        if (!dated) return (String) parts.getFirst();
        long seconds = epochSeconds > 0 ? epochSeconds : Instant.now().getEpochSecond();
        long hour = Math.floorDiv(seconds, 3600);
        Cached c = cached;
        if (c.hour == hour) return c.name;
        Instant t = Instant.ofEpochSecond(hour * 3600);
        StringBuilder sb = new StringBuilder();
        for (Object p : parts) {
            if (p instanceof DateTimeFormatter f) sb.append(f.format(t));
            else sb.append((String) p);
        }
        String name = sb.toString();
        cached = new Cached(hour, name);
        return name;
    }

    @Override
    public String toString() {
        return pattern;
    }
}
