package dev.palisade.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeSettingsTest {
    static NodeSettings read(String hocon) {
        return NodeSettings.from(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()).resolve());
    }

    @Test
    void theDefaults() {
        NodeSettings s = read("palisade.node-name = n1");
        assertEquals("standalone", s.mode());
        assertEquals(List.of(Path.of("/run/runc"), Path.of("/run/containerd/runc/k8s.io")), s.stateRoots());
        assertEquals(Map.of("kubernetes.io/hostname", "n1"), s.nodeLabels());
        assertEquals(Path.of("/etc/palisade/policies"), s.policiesDirectory());
        assertEquals(Duration.ofMillis(200), s.publishMinBackoff());
        assertEquals("", s.kubernetes().masterUrl());
    }

    @Test
    void runtimeRootsCanBeSwitchedOffOrListed() {
        assertEquals(List.of(Path.of("/var/run/runc")),
                read("palisade.discovery { runc-root = /var/run/runc, containerd-root = \"\" }").stateRoots());
        assertEquals(List.of(Path.of("/a"), Path.of("/b")), read("palisade.discovery.state-roots = [/a, /b]").stateRoots());
    }

    @Test
    void nodeLabelsWithDotsAndANodeNameFromTheKernel() {
        NodeSettings s = read("palisade.node-labels { \"kubernetes.io/os\" = linux, role = edge }");
        assertEquals("linux", s.nodeLabels().get("kubernetes.io/os"));
        assertEquals("edge", s.nodeLabels().get("role"));
        assertTrue(!s.nodeName().isEmpty(), "the hostname when not configured");
        assertEquals(s.nodeName(), s.nodeLabels().get("kubernetes.io/hostname"));
    }

    @Test
    void anUnknownModeIsAConfigurationError() {
        var e = assertThrows(ConfigException.BadValue.class, () -> read("palisade.mode = cloud"));
        assertTrue(e.getMessage().contains("palisade.mode") && e.getMessage().contains("cloud"), e.getMessage());
        assertEquals(System.getenv("KUBERNETES_SERVICE_HOST") == null ? "standalone" : "kubernetes",
                read("palisade.mode = auto").mode());
    }
}
