package dev.palisade.policy.select;

import dev.palisade.policy.Policy;
import dev.palisade.policy.model.Selector;
import dev.palisade.policy.model.SelectorExpression;
import dev.palisade.policy.schema.PolicyKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a policy applies to a container or to the host.
 *
 * <ul>
 *   <li>KubeArmorPolicy: same namespace, every {@code matchLabels} entry present, every expression true.</li>
 *   <li>KubeArmorClusterPolicy: every expression true; key {@code namespace} tests the namespace.</li>
 *   <li>{@code In}: at least one value holds; {@code NotIn}: none holds. Expressions are ANDed. Unlike KubeArmor,
 *       a NotIn after an In is honoured.</li>
 *   <li>{@code kubearmor.io/container.name}: the container's name, or one of {@code [a, b]}.</li>
 *   <li>KubeArmorHostPolicy: every {@code nodeSelector.matchLabels} entry is a label of the node.</li>
 * </ul>
 */
public final class PolicySelector {
    private PolicySelector() {}

    public static boolean selects(Policy p, WorkloadIdentity w) {
        return switch (p.kind()) {
            case KUBEARMOR_POLICY -> p.namespace().equals(w.namespace()) && matches(p.spec().selector(), w);
            case KUBEARMOR_CLUSTER_POLICY -> matches(p.spec().selector(), w);
            case KUBEARMOR_HOST_POLICY -> false;
        };
    }

    public static boolean selects(Policy p, HostIdentity h) {
        if (p.kind() != PolicyKind.KUBEARMOR_HOST_POLICY) return false;
        var ns = p.spec().nodeSelector();
        if (ns == null || ns.matchLabels() == null) return true;
        for (Map.Entry<String, String> e : ns.matchLabels().entrySet()) {
            if (!e.getValue().equals(h.nodeLabels().get(e.getKey()))) return false;
        }
        return true;
    }

    private static boolean matches(Selector s, WorkloadIdentity w) {
        if (s == null) return true;
        if (s.matchLabels() != null) {
            for (Map.Entry<String, String> e : s.matchLabels().entrySet()) {
                if (!hasLabel(w, e.getKey(), e.getValue())) return false;
            }
        }
        if (s.matchExpressions() != null) {
            for (SelectorExpression e : s.matchExpressions()) {
                boolean any = false;
                for (String v : e.values() == null ? List.<String>of() : e.values()) {
                    if ("namespace".equals(e.key()) ? w.namespace().equals(v) : hasLabelValue(w, v)) {
                        any = true;
                        break;
                    }
                }
                if ("In".equals(e.operator()) != any) return false;
            }
        }
        return true;
    }

    /** {@code v} is {@code key=value}. */
    private static boolean hasLabelValue(WorkloadIdentity w, String v) {
        int eq = v.indexOf('=');
        return eq > 0 && hasLabel(w, v.substring(0, eq), v.substring(eq + 1));
    }

    private static boolean hasLabel(WorkloadIdentity w, String key, String value) {
        if (WorkloadIdentity.CONTAINER_NAME_LABEL.equals(key)) return containerNames(value).contains(w.containerName());
        return value.equals(w.labels().get(key));
    }

    /** {@code nginx} or {@code [nginx, sidecar]}. */
    static List<String> containerNames(String value) {
        String v = value.trim();
        if (v.startsWith("[") && v.endsWith("]")) v = v.substring(1, v.length() - 1);
        List<String> names = new ArrayList<>();
        for (String n : v.split(",")) if (!n.isBlank()) names.add(n.trim());
        return names;
    }
}
