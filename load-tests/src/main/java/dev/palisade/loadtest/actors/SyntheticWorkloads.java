package dev.palisade.loadtest.actors;

import dev.palisade.actors.discovery.RuntimeContainer;
import dev.palisade.policy.Policy;
import dev.palisade.policy.load.PolicyLoader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A node's worth of containers and a cluster's worth of policies, deterministic for a seed. Containers are
 * spread over {@code namespaces} namespaces with labels {@code app=app-<n>} ({@value #APPS} apps) and
 * {@code tier}; each namespaced policy selects one app of its namespace and carries about a dozen rules of every
 * class, parsed and validated by the real loader.
 */
final class SyntheticWorkloads {
    static final int APPS = 50;
    private static final String[] DIRS = {"/usr/share/app/", "/etc/app/", "/var/lib/app/", "/opt/app/lib/", "/srv/data/"};

    private SyntheticWorkloads() {}

    static String namespace(int n) {
        return "ns-" + n;
    }

    /** Container i of {@code count}, in namespace {@code i % namespaces}; its init pid exists nowhere, so no rootfs. */
    static RuntimeContainer container(int i, int namespaces) {
        Map<String, String> a = new HashMap<>();
        a.put("io.kubernetes.pod.namespace", namespace(i % namespaces));
        a.put("io.kubernetes.pod.name", "pod-" + i);
        a.put("io.kubernetes.container.name", "c-" + i);
        a.put("palisade.dev/label.app", "app-" + (i / namespaces) % APPS);
        a.put("palisade.dev/label.tier", "t" + i % 4);
        String id = String.format("%064x", i + 1);
        return new RuntimeContainer(id, -1 - i, 1, "", "/sys/fs/cgroup/unified/bench/" + id, 10_000_000L + i, a, "");
    }

    /** Namespaced policy j (of {@code perNamespace} in namespace {@code ns}); {@code version} changes one path. */
    static String namespacedYaml(int ns, int j, int version) {
        Random r = new Random(ns * 100_003L + j);
        StringBuilder b = new StringBuilder();
        b.append("apiVersion: security.kubearmor.com/v1\nkind: KubeArmorPolicy\n")
                .append("metadata: {name: p-").append(j).append(", namespace: ").append(namespace(ns)).append("}\n")
                .append("spec:\n  selector: {matchLabels: {app: app-").append(j % APPS).append("}}\n");
        rules(b, r, version, j);
        return b.toString();
    }

    /** A cluster policy selecting the given namespaces (all of them: every container of the node). */
    static String clusterYaml(String name, List<String> namespaces, int version) {
        StringBuilder b = new StringBuilder();
        b.append("apiVersion: security.kubearmor.com/v1\nkind: KubeArmorClusterPolicy\n")
                .append("metadata: {name: ").append(name).append("}\n")
                .append("spec:\n  selector:\n    matchExpressions: [{key: namespace, operator: In, values: [")
                .append(String.join(", ", namespaces)).append("]}]\n");
        rules(b, new Random(name.hashCode()), version, 0);
        return b.toString();
    }

    private static void rules(StringBuilder b, Random r, int version, int j) {
        b.append("  process:\n    matchPaths:\n");
        b.append("    - path: /usr/bin/app-").append(j).append("-v").append(version).append('\n');
        for (int i = 0; i < 3; i++) b.append("    - path: /usr/bin/tool").append(r.nextInt(500)).append('\n');
        b.append("    matchDirectories:\n    - dir: /usr/lib/app").append(r.nextInt(100)).append("/\n      recursive: true\n");
        b.append("  file:\n    matchPaths:\n");
        for (int i = 0; i < 3; i++) b.append("    - path: /etc/app/conf").append(r.nextInt(1000)).append(".yaml\n");
        b.append("    matchDirectories:\n");
        for (int i = 0; i < 2; i++) {
            b.append("    - dir: ").append(DIRS[r.nextInt(DIRS.length)]).append("\n      recursive: true\n      readOnly: true\n");
        }
        b.append("  network:\n    matchProtocols: [{protocol: tcp}, {protocol: udp}]\n");
        b.append("  capabilities:\n    matchCapabilities: [{capability: net_bind_service}]\n");
        b.append("  action: Allow\n");
    }

    static Policy parse(String yaml) {
        PolicyLoader.Result r = PolicyLoader.loadText("synthetic.yaml", yaml);
        if (r.hasErrors() || r.policies().size() != 1) throw new IllegalStateException(r.problems() + "\n" + yaml);
        return r.policies().getFirst();
    }

    /** {@code perNamespace} policies in each namespace, version 0. */
    static List<Policy> namespacedPolicies(int namespaces, int perNamespace) {
        List<Policy> out = new ArrayList<>();
        for (int ns = 0; ns < namespaces; ns++) for (int j = 0; j < perNamespace; j++) out.add(parse(namespacedYaml(ns, j, 0)));
        return out;
    }
}
