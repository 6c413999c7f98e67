package dev.palisade.actors.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.telemetry.PodOwner;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodReaderTest {
    static PodBuilder pod(Map<String, String> labels) {
        return new PodBuilder().withNewMetadata().withName("web-5d8f7-x2x9q").withNamespace("shop").withUid("u1")
                .withLabels(labels).endMetadata().withNewSpec().withNodeName("n1").endSpec();
    }

    @Test
    void aDeploymentsPodIsOwnedByTheDeployment() {
        Pod p = pod(Map.of("pod-template-hash", "5d8f7")).editMetadata().addNewOwnerReference().withKind("ReplicaSet")
                .withName("web-5d8f7").withController(true).endOwnerReference().endMetadata().build();
        assertEquals(new PodOwner("Deployment", "web", "shop"), PodReader.owner(p));
    }

    @Test
    void otherOwnersAsTheyAre() {
        Pod bareRs = pod(Map.of()).editMetadata().addNewOwnerReference().withKind("ReplicaSet").withName("web-5d8f7")
                .withController(true).endOwnerReference().endMetadata().build();
        assertEquals(new PodOwner("ReplicaSet", "web-5d8f7", "shop"), PodReader.owner(bareRs), "no template hash: no guess");
        Pod ds = pod(Map.of()).editMetadata().addNewOwnerReference().withKind("Something").withName("not-controller")
                .withController(false).endOwnerReference().addNewOwnerReference().withKind("DaemonSet").withName("agent")
                .withController(true).endOwnerReference().endMetadata().build();
        assertEquals(new PodOwner("DaemonSet", "agent", "shop"), PodReader.owner(ds), "the controller wins");
        assertEquals(new PodOwner("Pod", "web-5d8f7-x2x9q", "shop"), PodReader.owner(pod(Map.of()).build()));
    }

    @Test
    void containerIdsOfEveryKindOfContainerWithoutTheRuntimePrefix() {
        Pod p = pod(Map.of("app", "web")).editMetadata().withAnnotations(Map.of("kubearmor-policy", "Audited")).endMetadata()
                .withNewStatus()
                .addNewContainerStatus().withName("web").withImage("web:1").withContainerID("containerd://aaa").endContainerStatus()
                .addNewContainerStatus().withName("starting").withImage("side:1").endContainerStatus()
                .addNewInitContainerStatus().withName("init").withImage("init:1").withContainerID("cri-o://bbb").endInitContainerStatus()
                .addNewEphemeralContainerStatus().withName("debug").withImage("busybox").withContainerID("ccc").endEphemeralContainerStatus()
                .endStatus().build();
        PodMetadata m = PodReader.read(p);
        assertEquals(Map.of("aaa", new PodMetadata.PodContainer("web", "web:1"), "bbb", new PodMetadata.PodContainer("init", "init:1"),
                "ccc", new PodMetadata.PodContainer("debug", "busybox")), m.containers());
        assertTrue(m.audited());
        assertEquals("n1", m.nodeName());
        assertEquals(Map.of("app", "web"), m.labels());
        assertFalse(PodReader.read(pod(Map.of()).build()).audited());
    }
}
