package dev.palisade.policy.simulate;

import dev.palisade.policy.compile.Posture;
import java.util.Map;

/** The global posture, per-namespace overrides (what the namespace annotations would say) and the host's posture. */
public record PostureSettings(Posture global, Map<String, Posture> namespaces, Posture host) {
    public PostureSettings {
        namespaces = Map.copyOf(namespaces);
    }

    public static PostureSettings uniform(Posture p) {
        return new PostureSettings(p, Map.of(), p);
    }

    /** A copy where {@code namespace} has its own posture (as if annotated). */
    public PostureSettings withNamespace(String namespace, Posture p) {
        Map<String, Posture> m = new java.util.HashMap<>(namespaces);
        m.put(namespace, p);
        return new PostureSettings(global, m, host);
    }

    public Posture forNamespace(String namespace) {
        return namespaces.getOrDefault(namespace, global);
    }
}
