package dev.palisade.actors.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.actors.kubernetes.PodMetadata;
import dev.palisade.telemetry.PodOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerIdentitiesTest {
    static final String ID = "a".repeat(64);

    static RuntimeContainer rc(String cgroupPath, Map<String, String> annotations) {
        return new RuntimeContainer(ID, 42, 7, "/bundle/rootfs", cgroupPath, 1234, annotations, "/run/runc/x/state.json");
    }

    @Test
    void podUidFromKubeletCgroupPathsOfBothDrivers() {
        assertEquals("3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b", ContainerIdentities.podUid(rc(
                "/sys/fs/cgroup/unified/kubepods/besteffort/pod3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b/" + ID, Map.of())));
        assertEquals("3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b", ContainerIdentities.podUid(rc(
                "/sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod3f1c9a2e_5b7d_4e8f_9a0b_1c2d3e4f5a6b.slice/cri-containerd-" + ID + ".scope",
                Map.of())), "systemd driver: underscores for dashes");
        assertEquals("", ContainerIdentities.podUid(rc("/sys/fs/cgroup/unified/palisade-test/" + ID, Map.of())));
        assertEquals("from-annotation", ContainerIdentities.podUid(rc("/kubepods/pod3f1c9a2e-5b7d/" + ID,
                Map.of("io.kubernetes.cri.sandbox-uid", "from-annotation"))));
    }

    @Test
    void withoutAnnotationsAContainerIsInContainerNamespaceNamedByItsShortId() {
        var info = ContainerIdentities.of(rc("", Map.of()));
        assertEquals("container_namespace", info.namespace());
        assertEquals("aaaaaaaaaaaa", info.containerName());
        assertEquals(Map.of(), info.labels());
        assertNull(info.owner());
        assertEquals(1234, info.cgroupId());
        assertEquals("/proc/42/root", info.rootfs());
    }

    @Test
    void containerdSpellingsAndLabelAnnotations() {
        var info = ContainerIdentities.of(rc("", Map.of("io.kubernetes.cri.sandbox-namespace", "shop",
                "io.kubernetes.cri.sandbox-name", "api-0", "io.kubernetes.cri.container-name", "api",
                "io.kubernetes.cri.image-name", "registry/api:1", "palisade.dev/label.app", "api",
                "palisade.dev/label.", "ignored", "palisade.dev/other", "ignored")));
        assertEquals("shop", info.namespace());
        assertEquals("api-0", info.podName());
        assertEquals("api", info.containerName());
        assertEquals("registry/api:1", info.image());
        assertEquals(Map.of("app", "api"), info.labels());
    }

    @Test
    void thePodAddsLabelsOwnerNameAndImageOverTheAnnotations() {
        RuntimeContainer c = rc("", Map.of("io.kubernetes.pod.namespace", "shop", "io.kubernetes.pod.name", "api-0",
                "palisade.dev/label.app", "from-annotation", "palisade.dev/label.extra", "kept", "kubearmor-policy", "audited"));
        PodOwner owner = new PodOwner("StatefulSet", "api", "shop");
        PodMetadata pod = new PodMetadata("uid-9", "shop", "api-0", "n1", Map.of("app", "api"), owner, false,
                Map.of(ID, new PodMetadata.PodContainer("api", "registry/api:2")));
        var info = ContainerIdentities.of(c, pod);
        assertEquals(Map.of("app", "api", "extra", "kept"), info.labels());
        assertEquals(owner, info.owner());
        assertEquals("api", info.containerName());
        assertEquals("registry/api:2", info.image());
        assertEquals("uid-9", info.podUid());
        assertFalse(ContainerIdentities.audited(c, pod), "the pod's annotation decides in Kubernetes mode");
        assertTrue(ContainerIdentities.audited(c, null), "the OCI annotation in standalone mode");
    }

    @Test
    void aHalfWrittenOrForeignStateFileIsNoContainer(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("state.json");
        Files.writeString(f, "{\"id\": \"x\", \"init_process_pid\": 12");
        assertTrue(StateFileReader.read(f).isEmpty());
        Files.writeString(f, "{\"something\": \"else\"}");
        assertTrue(StateFileReader.read(f).isEmpty());
        assertTrue(StateFileReader.read(dir.resolve("missing.json")).isEmpty());
        Files.writeString(f, """
                {"id": "abc", "init_process_pid": 2147483000, "init_process_start": 5,
                 "config": {"rootfs": "/r", "labels": ["a=b=c", "novalue", "k=v"]},
                 "cgroup_paths": {"unified": "/nonexistent/cg"}}
                """);
        RuntimeContainer rc = StateFileReader.read(f).orElseThrow();
        assertEquals(Map.of("a", "b=c", "k", "v"), rc.annotations());
        assertEquals("/nonexistent/cg", rc.cgroupV2Path());
        assertEquals(0, rc.cgroupId(), "no such directory");
        assertFalse(StateFileReader.alive(rc), "no such process");
    }

    @Test
    void aliveComparesTheStartTimeSoAReusedPidIsNotTheContainer() {
        long pid = ProcessHandle.current().pid();
        RuntimeContainer me = new RuntimeContainer("me", (int) pid, 0, "", "", 0, Map.of(), "");
        assertTrue(StateFileReader.alive(me), "start time unknown: the pid decides");
        RuntimeContainer other = new RuntimeContainer("me", (int) pid, 1, "", "", 0, Map.of(), "");
        assertFalse(StateFileReader.alive(other), "this JVM did not start one tick after boot");
    }
}
