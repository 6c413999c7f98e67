package dev.palisade.workload;

import dev.palisade.policy.compile.RuleSet;

/** A container and the rule set it is held to: the unit the actors publish and the enforcers apply. */
public record ProtectedWorkload(ContainerInfo container, RuleSet rules) {}
