package dev.palisade.actors;

import com.typesafe.config.Config;
import dev.palisade.actors.posture.PostureSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The actors' part of the configuration ({@code palisade.*}, see reference.conf). */
public record NodeSettings(String mode, String nodeName, Map<String, String> nodeLabels, PostureSettings posture,
                           Path policiesDirectory, List<Path> stateRoots, Duration reconcileInterval,
                           Duration publishMinBackoff, Duration publishMaxBackoff) {
    public NodeSettings {
        nodeLabels = Map.copyOf(nodeLabels);
        stateRoots = List.copyOf(stateRoots);
    }

    public static NodeSettings from(Config root) {
        Config p = root.getConfig("palisade");
        Map<String, String> labels = new HashMap<>();
        Config l = p.getConfig("node-labels");
        l.entrySet().forEach(e -> labels.put(stripQuotes(e.getKey()), String.valueOf(e.getValue().unwrapped())));
        String nodeName = p.getString("node-name");
        if (nodeName.isEmpty()) nodeName = hostName();
        labels.putIfAbsent("kubernetes.io/hostname", nodeName);
        Config d = p.getConfig("discovery");
        return new NodeSettings(p.getString("mode"), nodeName, labels, PostureSettings.from(root),
                Path.of(p.getString("policies.directory")),
                d.getStringList("state-roots").stream().map(Path::of).toList(),
                d.getDuration("reconcile-interval"),
                p.getDuration("publish.min-backoff"), p.getDuration("publish.max-backoff"));
    }

    private static String stripQuotes(String key) {
        return key.startsWith("\"") && key.endsWith("\"") ? key.substring(1, key.length() - 1) : key;
    }

    static String hostName() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
