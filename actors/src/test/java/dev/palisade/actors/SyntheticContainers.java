package dev.palisade.actors;

import dev.palisade.actors.discovery.RuntimeContainer;
import java.util.HashMap;
import java.util.Map;

/**
 * Runtime containers as discovery reports them, for tests of the guardian and the actors that need no real
 * container (their cgroup ids are made up; nothing here touches the kernel).
 */
public final class SyntheticContainers {
    private SyntheticContainers() {}

    public static String id(int n) {
        return String.format("%064x", n);
    }

    /** Container n in a namespace with labels (as palisade.dev/label. annotations) and a container name. */
    public static RuntimeContainer container(int n, String namespace, String name, Map<String, String> labels) {
        Map<String, String> a = new HashMap<>();
        if (namespace != null) a.put("io.kubernetes.pod.namespace", namespace);
        if (name != null) a.put("io.kubernetes.container.name", name);
        labels.forEach((k, v) -> a.put("palisade.dev/label." + k, v));
        return new RuntimeContainer(id(n), 4_000_000 + n, 1000 + n, "/nonexistent/rootfs",
                "/sys/fs/cgroup/unified/palisade-synthetic/" + id(n), 900_000 + n, a, "/nonexistent/state.json");
    }

    public static RuntimeContainer withAnnotations(RuntimeContainer c, Map<String, String> extra) {
        Map<String, String> a = new HashMap<>(c.annotations());
        a.putAll(extra);
        return new RuntimeContainer(c.id(), c.initPid(), c.initStartTicks(), c.rootfs(), c.cgroupV2Path(), c.cgroupId(),
                a, c.stateFile());
    }
}
