package dev.palisade.policy.select;

import static dev.palisade.policy.Fixtures.policies;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.policy.Policy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicySelectorTest {
    static final String RULES = "  process: {matchPaths: [{path: /bin/ls}]}\n";

    static Policy one(String yaml) {
        List<Policy> p = policies(yaml + RULES);
        assertEquals(1, p.size());
        return p.getFirst();
    }

    static WorkloadIdentity w(String ns, String container, Map<String, String> labels) {
        return new WorkloadIdentity(ns, "pod", container, labels);
    }

    @Test
    void namespacedPolicySelectsByNamespaceAndLabels() {
        Policy p = one("""
                apiVersion: security.kubearmor.com/v1
                kind: KubeArmorPolicy
                metadata: {name: p, namespace: shop}
                spec:
                  selector: {matchLabels: {app: web, tier: front}}
                """);
        assertTrue(PolicySelector.selects(p, w("shop", "c", Map.of("app", "web", "tier", "front", "x", "y"))));
        assertFalse(PolicySelector.selects(p, w("shop", "c", Map.of("app", "web"))));
        assertFalse(PolicySelector.selects(p, w("other", "c", Map.of("app", "web", "tier", "front"))));
    }

    @Test
    void containerNameSelectorAcceptsOneNameOrAList() {
        Policy p = one("""
                apiVersion: security.kubearmor.com/v1
                kind: KubeArmorPolicy
                metadata: {name: p}
                spec:
                  selector: {matchLabels: {kubearmor.io/container.name: "[nginx, sidecar]"}}
                """);
        assertTrue(PolicySelector.selects(p, w("default", "sidecar", Map.of())));
        assertFalse(PolicySelector.selects(p, w("default", "app", Map.of())));
    }

    @Test
    void expressionsInAreOredNotInIsHonouredEvenAfterIn() {
        Policy p = one("""
                apiVersion: security.kubearmor.com/v1
                kind: KubeArmorPolicy
                metadata: {name: p}
                spec:
                  selector:
                    matchExpressions:
                    - {key: label, operator: In, values: [app=a, app=b]}
                    - {key: label, operator: NotIn, values: [env=dev]}
                """);
        assertTrue(PolicySelector.selects(p, w("default", "c", Map.of("app", "b"))));
        assertFalse(PolicySelector.selects(p, w("default", "c", Map.of("app", "b", "env", "dev"))));
        assertFalse(PolicySelector.selects(p, w("default", "c", Map.of("app", "c"))));
    }

    @Test
    void clusterPolicySelectsByNamespaceExpressions() {
        Policy p = one("""
                apiVersion: security.kubearmor.com/v1
                kind: KubeArmorClusterPolicy
                metadata: {name: p}
                spec:
                  selector:
                    matchExpressions:
                    - {key: namespace, operator: NotIn, values: [kube-system]}
                """);
        assertTrue(PolicySelector.selects(p, w("shop", "c", Map.of())));
        assertTrue(PolicySelector.selects(p, w(null, "c", Map.of())));
        assertFalse(PolicySelector.selects(p, w("kube-system", "c", Map.of())));
        assertFalse(PolicySelector.selects(p, new HostIdentity("n", Map.of())));
    }

    @Test
    void hostPolicySelectsNodesByLabels() {
        Policy p = policies("""
                apiVersion: security.kubearmor.com/v1
                kind: KubeArmorHostPolicy
                metadata: {name: h}
                spec:
                  nodeSelector: {matchLabels: {kubernetes.io/hostname: node-1}}
                  process: {matchPaths: [{path: /usr/bin/sleep}]}
                """).getFirst();
        assertTrue(PolicySelector.selects(p, new HostIdentity("node-1", Map.of("kubernetes.io/hostname", "node-1"))));
        assertFalse(PolicySelector.selects(p, new HostIdentity("node-2", Map.of("kubernetes.io/hostname", "node-2"))));
        assertFalse(PolicySelector.selects(p, w("default", "c", Map.of())));
    }
}
