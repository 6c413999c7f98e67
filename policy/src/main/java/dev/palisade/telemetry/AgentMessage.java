package dev.palisade.telemetry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An agent message in KubeArmor's schema (message {@code feeder.Message}): what the agent itself reports
 * (started, enforcer chosen, a namespace annotation fell back to the default, ...).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record AgentMessage(
        @JsonProperty("Timestamp") @JsonInclude(JsonInclude.Include.NON_DEFAULT) long timestamp,
        @JsonProperty("UpdatedTime") String updatedTime,
        @JsonProperty("ClusterName") String clusterName,
        @JsonProperty("HostName") String hostName,
        @JsonProperty("HostIP") String hostIp,
        @JsonProperty("Type") String type,
        @JsonProperty("Level") String level,
        @JsonProperty("Message") String message) implements Telemetry {

    public AgentMessage {
        updatedTime = n(updatedTime);
        clusterName = n(clusterName);
        hostName = n(hostName);
        hostIp = n(hostIp);
        type = n(type);
        level = n(level);
        message = n(message);
    }

    private static String n(String s) {
        return s == null ? "" : s;
    }
}
