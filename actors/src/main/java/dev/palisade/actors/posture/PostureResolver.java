package dev.palisade.actors.posture;

import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.PostureClass;
import dev.palisade.policy.compile.PostureMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A namespace's posture: KubeArmor's {@code kubearmor-<class>-posture} annotations (audit or block, any case)
 * over the configured value, per class. A class without an annotation keeps the configured value (the
 * namespace's own setting in {@code palisade.posture.namespaces}, else the global one). An invalid value falls
 * back to the global default for that class and is reported; KubeArmor even rewrites the annotation, Palisade
 * leaves the user's object alone and says so.
 */
public final class PostureResolver {
    private PostureResolver() {}

    /** The posture, and the annotations that could not be used. */
    public record Resolved(Posture posture, List<Problem> problems) {}

    /** An annotation whose value is neither audit nor block. */
    public record Problem(String namespace, PostureClass postureClass, String value, PostureMode fallback) {
        public String annotation() {
            return postureClass.annotation();
        }

        public String message() {
            return "namespace " + namespace + ": annotation " + annotation() + "=\"" + value
                    + "\" is not audit or block; using the global " + postureClass.configName() + " posture ("
                    + fallback.configName() + ")";
        }
    }

    public static Resolved resolve(PostureSettings settings, String namespace, Map<String, String> annotations) {
        Posture p = settings.forNamespace(namespace);
        List<Problem> problems = new ArrayList<>();
        for (PostureClass c : PostureClass.values()) {
            String v = annotations.get(c.annotation());
            if (v == null) continue;
            Optional<PostureMode> m = PostureMode.parse(v);
            if (m.isPresent()) {
                p = p.with(c, m.get());
            } else {
                PostureMode fallback = settings.global().of(c);
                p = p.with(c, fallback);
                problems.add(new Problem(namespace, c, v, fallback));
            }
        }
        return new Resolved(p, problems);
    }
}
