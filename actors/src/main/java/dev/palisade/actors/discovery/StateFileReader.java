package dev.palisade.actors.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Reads runc's {@code state.json}: init pid and start time, root filesystem, cgroup v2 path, annotations. */
public final class StateFileReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StateFileReader() {}

    /** The container, or empty when the file is missing, half-written or not a runc state. */
    public static Optional<RuntimeContainer> read(Path stateFile) {
        JsonNode s;
        try {
            s = JSON.readTree(Files.readAllBytes(stateFile));
        } catch (IOException e) {
            return Optional.empty();
        }
        if (s == null || !s.has("id") || !s.has("init_process_pid")) return Optional.empty();
        JsonNode config = s.path("config");
        Map<String, String> annotations = new HashMap<>();
        for (JsonNode label : config.path("labels")) {
            String kv = label.asText();
            int eq = kv.indexOf('=');
            if (eq > 0) annotations.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        JsonNode paths = s.path("cgroup_paths");
        String v2 = paths.has("") ? paths.get("").asText() : paths.path("unified").asText("");
        return Optional.of(new RuntimeContainer(s.get("id").asText(), s.get("init_process_pid").asInt(),
                s.path("init_process_start").asLong(), config.path("rootfs").asText(""), v2, annotations,
                stateFile.toString()));
    }

    /** The init process still runs (same pid and same start time). */
    public static boolean alive(RuntimeContainer c) {
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(c.initPid()), "stat"));
            // comm (field 2) may contain spaces: fields after the last ')' start at field 3.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return c.initStartTicks() == 0 || Long.parseLong(f[19]) == c.initStartTicks();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
