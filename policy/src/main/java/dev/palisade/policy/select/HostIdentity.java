package dev.palisade.policy.select;

import java.util.Map;

/** What host-policy selection knows of this node: its name and labels. */
public record HostIdentity(String nodeName, Map<String, String> nodeLabels) {
    public HostIdentity {
        nodeLabels = nodeLabels == null ? Map.of() : Map.copyOf(nodeLabels);
        nodeName = nodeName == null ? "" : nodeName;
    }
}
