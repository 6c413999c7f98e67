package dev.palisade.policy.model;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** KubeArmorHostPolicy (hsp): cluster-scoped, selects nodes by labels; applies to host processes. */
@Group(PolicyGroup.GROUP)
@Version(PolicyGroup.VERSION)
@Kind("KubeArmorHostPolicy")
@Plural("kubearmorhostpolicies")
@Singular("kubearmorhostpolicy")
@ShortNames("hsp")
public class KubeArmorHostPolicy extends CustomResource<PolicySpec, PolicyStatus> {}
