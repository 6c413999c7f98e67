package dev.palisade.streams.pipeline;

/** Who is reporting: KubeArmor's ClusterName and HostName fields. */
public record NodeIdentity(String clusterName, String hostName) {}
