package dev.palisade.actors.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads runc's {@code state.json} (runc's own state root, or containerd's {@code /run/containerd/runc/<ns>}):
 * {@code id}, {@code init_process_pid}, {@code init_process_start}, {@code config.rootfs}, the cgroup v2 directory
 * ({@code cgroup_paths[""]}: on a hybrid host it is the unified mount, on a pure v2 host the only one) and the OCI
 * annotations, which runc keeps as {@code key=value} strings in {@code config.labels}.
 */
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
        if (s == null || !s.hasNonNull("id") || !s.hasNonNull("init_process_pid")) return Optional.empty();
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
                s.path("init_process_start").asLong(), config.path("rootfs").asText(""), v2, cgroupId(v2),
                annotations, stateFile.toString()));
    }

    /**
     * The init process still runs: same pid, same start time, not a zombie, and its cgroup still holds a process.
     * A container whose init is gone is stopped, whatever its state file still says (runc keeps the file of a
     * stopped container until deleted). The cgroup matters because the kernel leaves the cgroup (and says so in
     * {@code cgroup.events}) before the dying process turns into a zombie: at that moment {@code /proc} still
     * shows it running.
     */
    public static boolean alive(RuntimeContainer c) {
        if (c.initPid() <= 0) return false;
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(c.initPid()), "stat"));
            // comm (field 2) may contain spaces and ')': fields after the last ')' start at field 3 (state).
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            if (f[0].equals("Z") || f[0].equals("X")) return false;
            if (c.initStartTicks() != 0 && Long.parseLong(f[19]) != c.initStartTicks()) return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return !cgroupEmptied(c.cgroupV2Path());
    }

    /** {@code cgroup.events} says {@code populated 0}; false when it cannot be read (no cgroup v2 to ask). */
    static boolean cgroupEmptied(String cgroupV2Path) {
        if (cgroupV2Path.isEmpty()) return false;
        try {
            return Files.readString(Path.of(cgroupV2Path, "cgroup.events")).contains("populated 0");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Inode of the cgroup v2 directory: what {@code bpf_get_current_cgroup_id()} returns; 0 when unknown. */
    public static long cgroupId(String cgroupV2Path) {
        if (cgroupV2Path == null || cgroupV2Path.isEmpty()) return 0;
        try {
            return ((Number) Files.getAttribute(Path.of(cgroupV2Path), "unix:ino")).longValue();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
