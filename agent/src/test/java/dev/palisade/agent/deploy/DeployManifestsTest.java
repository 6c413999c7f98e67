package dev.palisade.agent.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.palisade.agent.run.AgentConfig;
import dev.palisade.agent.run.AgentSettings;
import dev.palisade.policy.model.KubeArmorPolicy;
import dev.palisade.policy.schema.PolicyKind;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * deploy/ checked offline: every manifest parses into Kubernetes' typed model and applies to an API server (the
 * fabric8 mock, the only stand-in Palisade uses), the ConfigMap is conf/kubernetes.conf, and the manifests agree
 * with the agent's configuration. Regenerate the ConfigMap with
 * {@code ./mvnw -pl agent -am test -Dtest=DeployManifestsTest -Dsurefire.failIfNoSpecifiedTests=false -Dpalisade.writeDeploy=true}.
 */
@EnableKubernetesMockClient(crud = true)
class DeployManifestsTest {
    static final Path DEPLOY = Path.of("../deploy");
    static final Path CONF = Path.of("../conf/kubernetes.conf");
    KubernetesClient client;

    static List<HasMetadata> load(String file) throws IOException {
        try (InputStream in = Files.newInputStream(DEPLOY.resolve(file))) {
            Object o = Serialization.unmarshal(in);
            List<HasMetadata> out = new ArrayList<>();
            if (o instanceof List<?> l) {
                for (Object x : l) out.add((HasMetadata) x);
            } else {
                out.add((HasMetadata) o);
            }
            return out;
        }
    }

    static String renderConfigMap() throws IOException {
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName("palisade-config").withNamespace("palisade")
                .endMetadata().withData(Map.of("kubernetes.conf", Files.readString(CONF))).build();
        return "# Generated from conf/kubernetes.conf by DeployManifestsTest; do not edit by hand.\n" + Serialization.asYaml(cm);
    }

    @Test
    void theConfigMapIsConfKubernetesConf() throws IOException {
        Path file = DEPLOY.resolve("configmap.yaml");
        String expected = renderConfigMap();
        if (Boolean.getBoolean("palisade.writeDeploy")) Files.writeString(file, expected);
        assertEquals(expected, Files.exists(file) ? Files.readString(file) : "(missing)",
                "deploy/configmap.yaml is out of date: see this test's javadoc to regenerate it");
    }

    @Test
    void everyManifestOfTheKustomizationAppliesToAnApiServer() throws IOException {
        List<String> files = Files.readAllLines(DEPLOY.resolve("kustomization.yaml")).stream()
                .filter(l -> l.startsWith("- ")).map(l -> l.substring(2).strip()).toList();
        try (var s = Files.list(DEPLOY)) {
            Set<String> onDisk = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).collect(Collectors.toSet());
            assertTrue(files.containsAll(onDisk), "every manifest is in kustomization.yaml: " + onDisk);
        }
        for (String f : files) {
            for (HasMetadata r : load(f)) {
                assertNotNull(client.resource(r).createOr(x -> x.update()), f + " applied");
            }
        }
        // With the CRDs in place, the seed's policy is accepted unchanged as a custom resource.
        assertEquals(3, client.apiextensions().v1().customResourceDefinitions().list().getItems().size());
        KubeArmorPolicy seed;
        try (InputStream in = Files.newInputStream(Path.of("../policy/src/test/resources/policies/seed/only-allow-nginx-exec.yaml"))) {
            seed = Serialization.unmarshal(in, KubeArmorPolicy.class);
        }
        client.resources(KubeArmorPolicy.class).inNamespace("default").resource(seed).create();
        assertEquals("Allow", client.resources(KubeArmorPolicy.class).inNamespace("default")
                .withName("only-allow-nginx-exec").get().getSpec().action());
    }

    @Test
    void theDaemonSetMatchesWhatTheAgentListensOnAndMounts() throws IOException {
        DaemonSet ds = (DaemonSet) load("daemonset.yaml").getFirst();
        Container c = ds.getSpec().getTemplate().getSpec().getContainers().getFirst();
        Config config = AgentConfig.load(CONF, Map.of());
        Map<String, Integer> ports = c.getPorts().stream().collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
        assertEquals(config.getInt("palisade.metrics.port"), ports.get("metrics"));
        assertEquals(config.getInt("palisade.sinks.grpc.port"), ports.get("grpc-feeder"));
        assertEquals(config.getInt("palisade.sinks.grpc.health-port"), ports.get("grpc-health"));
        assertEquals("/readyz", c.getReadinessProbe().getHttpGet().getPath());
        assertEquals("/healthz", c.getLivenessProbe().getHttpGet().getPath());
        assertEquals(List.of("run", "--config", "/etc/palisade/kubernetes.conf"), c.getArgs());

        Set<String> volumes = ds.getSpec().getTemplate().getSpec().getVolumes().stream().map(Volume::getName).collect(Collectors.toSet());
        Map<String, String> mounts = c.getVolumeMounts().stream().collect(Collectors.toMap(VolumeMount::getMountPath, VolumeMount::getName));
        assertTrue(volumes.containsAll(mounts.values()), "every mount has its volume");
        for (String path : List.of("/sys/kernel/security", "/sys/kernel/tracing", "/sys/fs/bpf", "/sys/kernel/btf",
                "/sys/fs/cgroup", "/etc/palisade")) {
            assertTrue(mounts.containsKey(path), path + " mounted");
        }
        for (String root : config.getStringList("palisade.discovery.state-roots")) {
            assertTrue(mounts.keySet().stream().anyMatch(root::startsWith), "runtime state " + root + " mounted");
        }
        var sc = c.getSecurityContext();
        assertFalse(sc.getPrivileged());
        assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
        assertFalse(sc.getCapabilities().getAdd().contains("ALL"));
        assertTrue(ds.getSpec().getTemplate().getSpec().getHostPID(), "the agent reads /proc of the node's tasks");

        Service svc = (Service) load("service.yaml").getFirst();
        assertEquals(Set.of("grpc-feeder", "grpc-health", "metrics"),
                svc.getSpec().getPorts().stream().map(p -> p.getTargetPort().getStrVal()).collect(Collectors.toSet()));
    }

    @Test
    void rbacGrantsReadOnlyAccessToWhatTheAgentWatches() throws IOException {
        ClusterRole role = (ClusterRole) load("rbac.yaml").stream().filter(r -> r instanceof ClusterRole).findFirst().orElseThrow();
        Set<String> verbs = role.getRules().stream().flatMap(r -> r.getVerbs().stream()).collect(Collectors.toSet());
        assertEquals(Set.of("get", "list", "watch"), verbs, "read only");
        Set<String> resources = role.getRules().stream().map(PolicyRule::getResources).flatMap(List::stream).collect(Collectors.toSet());
        for (PolicyKind k : PolicyKind.values()) assertTrue(resources.contains(k.plural()), k.plural());
        assertTrue(resources.containsAll(List.of("pods", "namespaces", "nodes")));
        for (HasMetadata crd : load("crds/security.kubearmor.com_kubearmorpolicies.yaml")) {
            assertEquals("security.kubearmor.com", ((CustomResourceDefinition) crd).getSpec().getGroup());
        }
    }

    @Test
    void theKubernetesConfigurationLoadsWithAndWithoutItsEnvironment() {
        Config config = AgentConfig.load(CONF, Map.of());
        assertEquals("kubernetes", config.getString("palisade.mode"));
        assertEquals("audit", config.getString("palisade.posture.file"), "unset variables leave the defaults");
        assertEquals("0.0.0.0", config.getString("palisade.sinks.grpc.interface"));
        assertEquals("auto", AgentSettings.from(config).enforcer());
    }
}
