package dev.palisade.actors;

import dev.palisade.policy.Policy;
import dev.palisade.policy.load.PolicyLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Policies for tests, validated by the real loader. */
public final class TestPolicies {
    /** The seed's policy: a KubeArmorPolicy with no namespace (so {@code default}), app=nginx, exec allow-list. */
    public static final Path SEED = Path.of(System.getenv().getOrDefault("PALISADE_REPO_ROOT", ".."))
            .resolve("policy/src/test/resources/policies/seed/only-allow-nginx-exec.yaml");
    public static final String SEED_KEY = "ksp/default/only-allow-nginx-exec";

    private TestPolicies() {}

    public static String seedYaml() {
        try {
            return Files.readString(SEED);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Policy seed() {
        return parse(seedYaml());
    }

    public static Policy parse(String yaml) {
        PolicyLoader.Result r = PolicyLoader.loadText("test.yaml", yaml);
        if (r.hasErrors() || r.policies().size() != 1) throw new IllegalArgumentException(r.problems().toString());
        return r.policies().getFirst();
    }

    /** A KubeArmorPolicy allowing one process path for {@code app=<app>} in a namespace. */
    public static Policy allowExec(String namespace, String name, String app, String path) {
        return parse(allowExecYaml(namespace, name, app, path));
    }

    public static String allowExecYaml(String namespace, String name, String app, String path) {
        return """
                apiVersion: security.kubearmor.com/v1
                kind: KubeArmorPolicy
                metadata: {name: %s, namespace: %s}
                spec:
                  selector: {matchLabels: {app: %s}}
                  process:
                    matchPaths: [{path: %s}]
                  action: Allow
                """.formatted(name, namespace, app, path);
    }

    public static List<String> keys(List<Policy> ps) {
        return ps.stream().map(Policy::key).toList();
    }
}
