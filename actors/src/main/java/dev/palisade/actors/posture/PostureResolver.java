package dev.palisade.actors.posture;

import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.PostureClass;
import dev.palisade.policy.compile.PostureMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A namespace's posture: KubeArmor's {@code kubearmor-<class>-posture} annotations over the configured value, per
 * class. An invalid value falls back to the global default for that class and is reported (KubeArmor even
 * rewrites the annotation; Palisade leaves the user's object alone and says so).
 */
public final class PostureResolver {
    private PostureResolver() {}

    /** The posture, and a message for each annotation that could not be used. */
    public record Resolved(Posture posture, List<String> problems) {}

    public static Resolved resolve(PostureSettings settings, String namespace, Map<String, String> annotations) {
        Posture p = settings.forNamespace(namespace);
        List<String> problems = new ArrayList<>();
        for (PostureClass c : PostureClass.values()) {
            String v = annotations.get(c.annotation());
            if (v == null) continue;
            Optional<PostureMode> m = PostureMode.parse(v);
            if (m.isPresent()) {
                p = p.with(c, m.get());
            } else {
                p = p.with(c, settings.global().of(c));
                problems.add("namespace " + namespace + ": annotation " + c.annotation() + "=\"" + v
                        + "\" is not audit or block; using the global " + c.configName() + " posture ("
                        + settings.global().of(c).configName() + ")");
            }
        }
        return new Resolved(p, problems);
    }
}
