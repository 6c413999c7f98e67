package dev.palisade.policy.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.TelemetryJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.function.Consumer;

/** Reads KubeArmor Log JSON lines; an unreadable line is reported with its number and skipped, nothing else stops. */
public final class LogLines {
    private LogLines() {}

    /** A log read from line {@code number}, with its raw JSON (for extra fields). */
    public record Entry(long number, Log log, JsonNode raw) {}

    /** A line that could not be read as a log. */
    public record Malformed(long lineNumber, String reason) {}

    /** @return the number of non-blank lines read */
    public static long read(BufferedReader in, Consumer<Entry> logs, Consumer<Malformed> malformed) throws IOException {
        ObjectMapper mapper = TelemetryJson.mapper();
        long n = 0, lines = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            n++;
            if (line.isBlank()) continue;
            lines++;
            JsonNode raw;
            Log log;
            try {
                raw = mapper.readTree(line);
                if (!raw.isObject()) throw new IllegalArgumentException("not a JSON object");
                log = mapper.treeToValue(raw, Log.class);
            } catch (Exception e) {
                malformed.accept(new Malformed(n, firstLine(e.getMessage())));
                continue;
            }
            logs.accept(new Entry(n, log, raw));
        }
        return lines;
    }

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
