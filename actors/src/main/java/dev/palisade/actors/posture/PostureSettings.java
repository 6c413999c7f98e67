package dev.palisade.actors.posture;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.PostureClass;
import dev.palisade.policy.compile.PostureMode;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code palisade.posture}: the global default per class, the host's, and per-namespace overrides (standalone
 * mode's stand-in for namespace annotations). Bad values are configuration errors naming the key.
 */
public record PostureSettings(Posture global, Posture host, Map<String, Map<PostureClass, PostureMode>> namespaces) {
    public PostureSettings {
        namespaces = Map.copyOf(namespaces);
    }

    public static PostureSettings from(Config root) {
        Config c = root.getConfig("palisade.posture");
        Posture global = read(c, "palisade.posture", Posture.AUDIT);
        Posture host = read(c.getConfig("host"), "palisade.posture.host", global);
        Map<String, Map<PostureClass, PostureMode>> ns = new HashMap<>();
        Config nsConf = c.getConfig("namespaces");
        for (String name : nsConf.root().keySet()) {
            Config one = nsConf.getConfig(com.typesafe.config.ConfigUtil.quoteString(name));
            Map<PostureClass, PostureMode> m = new HashMap<>();
            for (PostureClass pc : PostureClass.values()) {
                if (one.hasPath(pc.configName())) m.put(pc, mode(one, "palisade.posture.namespaces." + name, pc));
            }
            ns.put(name, m);
        }
        return new PostureSettings(global, host, ns);
    }

    private static Posture read(Config c, String path, Posture base) {
        Posture p = base;
        for (PostureClass pc : PostureClass.values()) if (c.hasPath(pc.configName())) p = p.with(pc, mode(c, path, pc));
        return p;
    }

    private static PostureMode mode(Config c, String path, PostureClass pc) {
        String v = c.getString(pc.configName());
        return PostureMode.parse(v).orElseThrow(() -> new ConfigException.BadValue(c.origin(), path + "." + pc.configName(),
                "must be audit or block, not \"" + v + "\""));
    }

    /** The configured posture of a namespace (no annotations considered). */
    public Posture forNamespace(String namespace) {
        Map<PostureClass, PostureMode> m = namespaces.get(namespace);
        if (m == null) return global;
        Posture p = global;
        for (Map.Entry<PostureClass, PostureMode> e : m.entrySet()) p = p.with(e.getKey(), e.getValue());
        return p;
    }
}
