package dev.palisade.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.palisade.actors.posture.PostureSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The actors' part of the configuration ({@code palisade.*}; every key is documented in reference.conf).
 *
 * @param mode       {@code standalone} or {@code kubernetes} ({@code auto} is resolved when read)
 * @param nodeLabels configured labels, with {@code kubernetes.io/hostname} added; in Kubernetes mode the Node's
 *                   own labels come on top
 * @param stateRoots the runc state roots discovery watches (runc's, containerd's); empty ones are left out
 */
public record NodeSettings(String mode, String clusterName, String nodeName, Map<String, String> nodeLabels,
                           PostureSettings posture, Path policiesDirectory, List<Path> stateRoots,
                           Duration reconcileInterval, Duration publishMinBackoff, Duration publishMaxBackoff,
                           KubernetesSettings kubernetes) {
    public static final String STANDALONE = "standalone";
    public static final String KUBERNETES = "kubernetes";

    public NodeSettings {
        nodeLabels = Map.copyOf(nodeLabels);
        stateRoots = List.copyOf(stateRoots);
    }

    /**
     * {@code palisade.kubernetes}: how to reach the API server.
     *
     * @param masterUrl         "" to find it as kubectl would (in-cluster service account, KUBECONFIG, ~/.kube/config)
     * @param resyncInterval    informers replay their cache this often (0 = never); changes are deduplicated
     * @param reconnectInterval the first wait before re-watching after the connection broke; the client doubles it
     */
    public record KubernetesSettings(String masterUrl, Duration resyncInterval, Duration reconnectInterval,
                                     Duration connectTimeout, Duration requestTimeout) {}

    public static NodeSettings from(Config root) {
        Config p = root.getConfig("palisade");
        String mode = p.getString("mode");
        mode = switch (mode) {
            case STANDALONE, KUBERNETES -> mode;
            case "auto" -> System.getenv("KUBERNETES_SERVICE_HOST") != null ? KUBERNETES : STANDALONE;
            default -> throw new ConfigException.BadValue(p.origin(), "palisade.mode",
                    "must be standalone, kubernetes or auto, not \"" + mode + "\"");
        };
        String nodeName = p.getString("node-name");
        if (nodeName.isEmpty()) nodeName = hostName();
        Map<String, String> labels = new HashMap<>();
        Config l = p.getConfig("node-labels");
        l.entrySet().forEach(e -> labels.put(unquote(e.getKey()), String.valueOf(e.getValue().unwrapped())));
        labels.putIfAbsent("kubernetes.io/hostname", nodeName);
        Config d = p.getConfig("discovery");
        List<Path> roots = new ArrayList<>();
        if (d.hasPath("state-roots")) {
            for (String v : d.getStringList("state-roots")) if (!v.isEmpty()) roots.add(Path.of(v));
        } else {
            for (String key : List.of("runc-root", "containerd-root")) {
                String v = d.getString(key);
                if (!v.isEmpty()) roots.add(Path.of(v));
            }
        }
        Config k = p.getConfig("kubernetes");
        KubernetesSettings kube = new KubernetesSettings(k.getString("master-url"), k.getDuration("resync-interval"),
                k.getDuration("reconnect-interval"), k.getDuration("connect-timeout"), k.getDuration("request-timeout"));
        String cluster = root.hasPath("palisade.agent.cluster-name") ? root.getString("palisade.agent.cluster-name") : "";
        return new NodeSettings(mode, cluster, nodeName, labels, PostureSettings.from(root),
                Path.of(p.getString("policies.directory")), roots, d.getDuration("reconcile-interval"),
                p.getDuration("publish.min-backoff"), p.getDuration("publish.max-backoff"), kube);
    }

    /** HOCON keys with dots must be quoted ({@code "kubernetes.io/arch" = amd64}); the label has no quotes. */
    private static String unquote(String key) {
        return key.startsWith("\"") && key.endsWith("\"") ? key.substring(1, key.length() - 1) : key;
    }

    static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
