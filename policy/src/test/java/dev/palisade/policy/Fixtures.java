package dev.palisade.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.palisade.policy.compile.PathAliases;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.RuleSet;
import dev.palisade.policy.compile.RuleSetCompiler;
import dev.palisade.policy.compile.Scope;
import dev.palisade.policy.load.PolicyLoader;
import dev.palisade.policy.select.PolicySelector;
import dev.palisade.policy.select.WorkloadIdentity;
import java.util.List;
import java.util.Map;

/** Policies written inline in tests, loaded and compiled like real ones. */
public final class Fixtures {
    private Fixtures() {}

    public static final WorkloadIdentity NGINX = new WorkloadIdentity("default", "nginx-1", "nginx", Map.of("app", "nginx"));

    /** Loads YAML documents; fails the test if any has an error. */
    public static List<Policy> policies(String... yaml) {
        PolicyLoader.Result r = PolicyLoader.loadText("test.yaml", String.join("\n---\n", yaml));
        assertFalse(r.hasErrors(), () -> "policy errors: " + r.problems());
        return r.policies();
    }

    /** Compiles the policies selecting {@link #NGINX} under {@code posture}. */
    public static RuleSet compile(Posture posture, String... yaml) {
        return compile(NGINX, posture, PathAliases.NONE, yaml);
    }

    public static RuleSet compile(WorkloadIdentity w, Posture posture, PathAliases aliases, String... yaml) {
        List<Policy> selected = policies(yaml).stream().filter(p -> PolicySelector.selects(p, w)).toList();
        return RuleSetCompiler.compile(Scope.CONTAINER, selected, posture, aliases);
    }

    /** A KubeArmorPolicy for app=nginx with the given spec body (indented two spaces under spec:). */
    public static String ksp(String name, String specBody) {
        return """
                apiVersion: security.kubearmor.com/v1
                kind: KubeArmorPolicy
                metadata:
                  name: %s
                  namespace: default
                spec:
                  selector:
                    matchLabels:
                      app: nginx
                %s
                """.formatted(name, specBody.indent(2).stripTrailing());
    }

    public static void assertSingle(List<?> l) {
        assertEquals(1, l.size(), () -> "expected one element: " + l);
    }
}
