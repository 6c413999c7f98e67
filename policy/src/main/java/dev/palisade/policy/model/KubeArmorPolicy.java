package dev.palisade.policy.model;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** KubeArmorPolicy (ksp): namespaced, selects containers of its namespace by labels. */
@Group(PolicyGroup.GROUP)
@Version(PolicyGroup.VERSION)
@Kind("KubeArmorPolicy")
@Plural("kubearmorpolicies")
@Singular("kubearmorpolicy")
@ShortNames("ksp")
public class KubeArmorPolicy extends CustomResource<PolicySpec, PolicyStatus> implements Namespaced {}
