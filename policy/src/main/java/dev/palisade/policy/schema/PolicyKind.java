package dev.palisade.policy.schema;

import dev.palisade.policy.model.KubeArmorClusterPolicy;
import dev.palisade.policy.model.KubeArmorHostPolicy;
import dev.palisade.policy.model.KubeArmorPolicy;
import dev.palisade.policy.model.PolicySpec;
import dev.palisade.policy.model.PolicyStatus;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.Optional;

/** The three policy kinds of {@code security.kubearmor.com/v1}. */
public enum PolicyKind {
    KUBEARMOR_POLICY("KubeArmorPolicy", "kubearmorpolicies", "kubearmorpolicy", "ksp", true, KubeArmorPolicy.class),
    KUBEARMOR_CLUSTER_POLICY("KubeArmorClusterPolicy", "kubearmorclusterpolicies", "kubearmorclusterpolicy", "csp",
            false, KubeArmorClusterPolicy.class),
    KUBEARMOR_HOST_POLICY("KubeArmorHostPolicy", "kubearmorhostpolicies", "kubearmorhostpolicy", "hsp", false,
            KubeArmorHostPolicy.class);

    private final String kind;
    private final String plural;
    private final String singular;
    private final String shortName;
    private final boolean namespaced;
    private final Class<? extends CustomResource<PolicySpec, PolicyStatus>> resourceClass;

    PolicyKind(String kind, String plural, String singular, String shortName, boolean namespaced,
               Class<? extends CustomResource<PolicySpec, PolicyStatus>> resourceClass) {
        this.kind = kind;
        this.plural = plural;
        this.singular = singular;
        this.shortName = shortName;
        this.namespaced = namespaced;
        this.resourceClass = resourceClass;
    }

    public String kind() { return kind; }

    public String plural() { return plural; }

    public String singular() { return singular; }

    public String shortName() { return shortName; }

    public boolean namespaced() { return namespaced; }

    public boolean host() { return this == KUBEARMOR_HOST_POLICY; }

    public Class<? extends CustomResource<PolicySpec, PolicyStatus>> resourceClass() { return resourceClass; }

    public static Optional<PolicyKind> ofKind(String kind) {
        for (PolicyKind k : values()) if (k.kind.equals(kind)) return Optional.of(k);
        return Optional.empty();
    }
}
