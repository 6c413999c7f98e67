package dev.palisade.testing.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** A bundle's config.json: runc's own defaults (runc spec) edited for a test container. */
final class OciConfig {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode root;

    private OciConfig(ObjectNode root) {
        this.root = root;
    }

    /** The config runc spec wrote into bundle. */
    static OciConfig fromSpec(Path bundle) {
        return new OciConfig((ObjectNode) read(bundle.resolve("config.json")));
    }

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    ObjectNode json() {
        return root;
    }

    OciConfig process(List<String> args, Map<String, String> env, String cwd) {
        ObjectNode p = root.withObjectProperty("process");
        p.put("terminal", false);
        p.put("cwd", cwd);
        ArrayNode a = p.putArray("args");
        args.forEach(a::add);
        ArrayNode envNode = p.withArrayProperty("env");
        for (Map.Entry<String, String> e : env.entrySet()) {
            removeEnv(envNode, e.getKey());
            envNode.add(e.getKey() + "=" + e.getValue());
        }
        return this;
    }

    OciConfig writableRoot(String hostname) {
        root.withObjectProperty("root").put("readonly", false);
        root.put("hostname", hostname);
        return this;
    }

    /** Binds the host's /usr read-only at /usr. */
    OciConfig hostUsr() {
        ObjectNode m = root.withArrayProperty("mounts").addObject();
        m.put("destination", "/usr").put("type", "bind").put("source", "/usr");
        m.putArray("options").add("rbind").add("ro").add("nosuid").add("nodev");
        return this;
    }

    OciConfig cgroupsPath(String path) {
        root.withObjectProperty("linux").put("cgroupsPath", path);
        return this;
    }

    OciConfig annotations(Map<String, String> annotations) {
        ObjectNode a = root.withObjectProperty("annotations");
        annotations.forEach(a::put);
        return this;
    }

    /** Drops the network namespace: the container shares the host's (and its 127.0.0.1). */
    OciConfig hostNetwork() {
        ArrayNode ns = root.withObjectProperty("linux").withArrayProperty("namespaces");
        for (Iterator<JsonNode> it = ns.elements(); it.hasNext(); ) {
            if ("network".equals(it.next().path("type").asText())) it.remove();
        }
        return this;
    }

    OciConfig addCapabilities(List<String> caps) {
        if (caps.isEmpty()) return this;
        ObjectNode c = root.withObjectProperty("process").withObjectProperty("capabilities");
        for (String set : List.of("bounding", "effective", "permitted", "ambient")) {
            ArrayNode a = c.withArrayProperty(set);
            for (String cap : caps) {
                String name = cap.startsWith("CAP_") ? cap : "CAP_" + cap;
                boolean present = false;
                for (JsonNode n : a) present |= n.asText().equals(name);
                if (!present) a.add(name);
            }
        }
        return this;
    }

    void write(Path bundle) {
        try {
            JSON.writeValue(bundle.resolve("config.json").toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write config.json in " + bundle + ": " + e.getMessage(), e);
        }
    }

    private static void removeEnv(ArrayNode env, String key) {
        for (Iterator<JsonNode> it = env.elements(); it.hasNext(); ) {
            if (it.next().asText().startsWith(key + "=")) it.remove();
        }
    }
}
