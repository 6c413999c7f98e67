package dev.palisade.actors.discovery;

import dev.palisade.actors.kubernetes.PodMetadata;
import dev.palisade.policy.select.WorkloadIdentity;
import dev.palisade.workload.ContainerInfo;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who a container is. From what the runtime knows: names from the CRI annotations kubelet and containerd set
 * ({@code io.kubernetes.pod.namespace}, {@code io.kubernetes.pod.name}, {@code io.kubernetes.container.name}, or
 * containerd's {@code io.kubernetes.cri.*} spellings), labels from OCI annotations prefixed
 * {@code palisade.dev/label.} ({@code palisade.dev/label.app=nginx} is label {@code app=nginx}), the pod uid from
 * a kubelet cgroup path ({@code /kubepods[/<qos>]/pod<uid>/<id>}), the cgroup id from the runtime's state. In
 * Kubernetes mode the pod adds its labels (over the annotation ones), owner and the container's name and image
 * from its status. A container with no namespace at all is in {@code container_namespace}, as in KubeArmor.
 */
public final class ContainerIdentities {
    public static final String LABEL_PREFIX = "palisade.dev/label.";
    /** KubeArmor's pod annotation that makes every policy for the pod's containers audit only. */
    public static final String POLICY_MODE_ANNOTATION = "kubearmor-policy";
    private static final Pattern POD_UID = Pattern.compile("[/-]pod([0-9a-fA-F_-]{8,})(?:\\.slice)?/");

    private ContainerIdentities() {}

    /** From the runtime alone (standalone mode, or a container whose pod is not known). */
    public static ContainerInfo of(RuntimeContainer c) {
        return of(c, null);
    }

    /** @param pod the container's pod, or null */
    public static ContainerInfo of(RuntimeContainer c, PodMetadata pod) {
        Map<String, String> a = c.annotations();
        Map<String, String> labels = new TreeMap<>();
        a.forEach((k, v) -> {
            if (k.startsWith(LABEL_PREFIX) && k.length() > LABEL_PREFIX.length()) labels.put(k.substring(LABEL_PREFIX.length()), v);
        });
        String shortId = c.id().substring(0, Math.min(12, c.id().length()));
        String namespace = Optional.ofNullable(podNamespace(c)).orElse(WorkloadIdentity.CONTAINER_NAMESPACE);
        String podName = Optional.ofNullable(podName(c)).orElse("");
        String name = first(a, "io.kubernetes.container.name", "io.kubernetes.cri.container-name").orElse(shortId);
        String image = first(a, "io.kubernetes.cri.image-name", "org.opencontainers.image.ref.name").orElse("");
        String podUid = podUid(c);
        dev.palisade.telemetry.PodOwner owner = null;
        if (pod != null) {
            labels.putAll(pod.labels());
            namespace = pod.namespace();
            podName = pod.name();
            podUid = pod.uid();
            owner = pod.owner();
            PodMetadata.PodContainer pc = pod.containers().get(c.id());
            if (pc != null) {
                if (!pc.name().isEmpty()) name = pc.name();
                if (pc.image() != null && !pc.image().isEmpty()) image = pc.image();
            }
        }
        return new ContainerInfo(c.id(), name, image, namespace, podName, podUid, labels, owner, c.cgroupId(),
                c.cgroupV2Path(), c.initPid(), "/proc/" + c.initPid() + "/root");
    }

    /** The pod's {@code kubearmor-policy: audited} annotation, or the same OCI annotation in standalone mode. */
    public static boolean audited(RuntimeContainer c, PodMetadata pod) {
        if (pod != null) return pod.audited();
        return "audited".equalsIgnoreCase(c.annotations().getOrDefault(POLICY_MODE_ANNOTATION, "").trim());
    }

    public static String podNamespace(RuntimeContainer c) {
        return first(c.annotations(), "io.kubernetes.pod.namespace", "io.kubernetes.cri.sandbox-namespace").orElse(null);
    }

    public static String podName(RuntimeContainer c) {
        return first(c.annotations(), "io.kubernetes.pod.name", "io.kubernetes.cri.sandbox-name").orElse(null);
    }

    /** From the CRI annotations, else from a kubelet cgroup path; "" when neither says. */
    public static String podUid(RuntimeContainer c) {
        return first(c.annotations(), "io.kubernetes.pod.uid", "io.kubernetes.cri.sandbox-uid")
                .orElseGet(() -> podUidFromCgroup(c.cgroupV2Path()));
    }

    /** {@code pod<uid>} in a cgroupfs path; the systemd driver writes the uid's dashes as underscores. */
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
