package dev.palisade.actors.discovery;

import dev.palisade.policy.select.WorkloadIdentity;
import dev.palisade.workload.ContainerInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who a container is, from what the runtime knows: names from the CRI annotations kubelet and containerd set
 * ({@code io.kubernetes.pod.namespace}, {@code io.kubernetes.pod.name}, {@code io.kubernetes.container.name}, or
 * containerd's {@code io.kubernetes.cri.*} spellings), labels from OCI annotations prefixed
 * {@code palisade.dev/label.}, the pod uid from a kubelet-style cgroup path, the cgroup id from the cgroup
 * directory's inode. In Kubernetes mode the pod informer later adds the pod's labels and owner.
 */
public final class ContainerIdentities {
    public static final String LABEL_PREFIX = "palisade.dev/label.";
    private static final Pattern POD_UID = Pattern.compile("/pod([0-9a-fA-F_-]{8,})(?:\\.slice)?/");

    private ContainerIdentities() {}

    public static ContainerInfo of(RuntimeContainer c) {
        Map<String, String> a = c.annotations();
        Map<String, String> labels = new TreeMap<>();
        a.forEach((k, v) -> {
            if (k.startsWith(LABEL_PREFIX) && k.length() > LABEL_PREFIX.length()) labels.put(k.substring(LABEL_PREFIX.length()), v);
        });
        String namespace = first(a, "io.kubernetes.pod.namespace", "io.kubernetes.cri.sandbox-namespace")
                .orElse(WorkloadIdentity.CONTAINER_NAMESPACE);
        String pod = first(a, "io.kubernetes.pod.name", "io.kubernetes.cri.sandbox-name").orElse("");
        String name = first(a, "io.kubernetes.container.name", "io.kubernetes.cri.container-name")
                .orElse(c.id().substring(0, Math.min(12, c.id().length())));
        String image = first(a, "io.kubernetes.cri.image-name", "org.opencontainers.image.ref.name").orElse("");
        String podUid = first(a, "io.kubernetes.pod.uid").orElseGet(() -> podUidFromCgroup(c.cgroupV2Path()));
        return new ContainerInfo(c.id(), name, image, namespace, pod, podUid, labels, null, cgroupId(c.cgroupV2Path()),
                c.cgroupV2Path(), c.initPid(), "/proc/" + c.initPid() + "/root");
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

    static String podUidFromCgroup(String path) {
        Matcher m = POD_UID.matcher(path == null ? "" : path);
        return m.find() ? m.group(1).replace('_', '-') : "";
    }

    private static Optional<String> first(Map<String, String> a, String... keys) {
        for (String k : keys) {
            String v = a.get(k);
            if (v != null && !v.isEmpty()) return Optional.of(v);
        }
        return Optional.empty();
    }
}
