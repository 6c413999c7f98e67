package dev.palisade.policy.model;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** KubeArmorClusterPolicy (csp): cluster-scoped, selects containers by namespace and label expressions. */
@Group(PolicyGroup.GROUP)
@Version(PolicyGroup.VERSION)
@Kind("KubeArmorClusterPolicy")
@Plural("kubearmorclusterpolicies")
@Singular("kubearmorclusterpolicy")
@ShortNames("csp")
public class KubeArmorClusterPolicy extends CustomResource<PolicySpec, PolicyStatus> {}
