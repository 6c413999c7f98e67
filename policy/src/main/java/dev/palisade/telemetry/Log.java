package dev.palisade.telemetry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * A visibility log in KubeArmor's schema (message {@code feeder.Log}): one observed operation, whether or not a
 * policy cared. Type is {@code ContainerLog} or {@code HostLog}. Unknown JSON fields are ignored when reading, so
 * recorded KubeArmor logs with newer fields still load.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"Timestamp", "UpdatedTime", "ClusterName", "HostName", "NamespaceName", "Owner", "PodName",
        "Labels", "ContainerID", "ContainerName", "ContainerImage", "HostPPID", "HostPID", "PPID", "PID", "UID",
        "ParentProcessName", "ProcessName", "Type", "Source", "Operation", "Resource", "Data", "EventData", "Result",
        "Cwd", "TTY"})
public record Log(
        @JsonProperty("Timestamp") @JsonInclude(JsonInclude.Include.NON_DEFAULT) long timestamp,
        @JsonProperty("UpdatedTime") String updatedTime,
        @JsonProperty("ClusterName") String clusterName,
        @JsonProperty("HostName") String hostName,
        @JsonProperty("NamespaceName") String namespaceName,
        @JsonProperty("Owner") PodOwner owner,
        @JsonProperty("PodName") String podName,
        @JsonProperty("Labels") String labels,
        @JsonProperty("ContainerID") String containerId,
        @JsonProperty("ContainerName") String containerName,
        @JsonProperty("ContainerImage") String containerImage,
        @JsonProperty("HostPPID") @JsonInclude(JsonInclude.Include.NON_DEFAULT) int hostPpid,
        @JsonProperty("HostPID") @JsonInclude(JsonInclude.Include.NON_DEFAULT) int hostPid,
        @JsonProperty("PPID") @JsonInclude(JsonInclude.Include.NON_DEFAULT) int ppid,
        @JsonProperty("PID") @JsonInclude(JsonInclude.Include.NON_DEFAULT) int pid,
        @JsonProperty("UID") @JsonInclude(JsonInclude.Include.NON_DEFAULT) int uid,
        @JsonProperty("ParentProcessName") String parentProcessName,
        @JsonProperty("ProcessName") String processName,
        @JsonProperty("Type") String type,
        @JsonProperty("Source") String source,
        @JsonProperty("Operation") String operation,
        @JsonProperty("Resource") String resource,
        @JsonProperty("Data") String data,
        @JsonProperty("EventData") Map<String, String> eventData,
        @JsonProperty("Result") String result,
        @JsonProperty("Cwd") String cwd,
        @JsonProperty("TTY") String tty) implements Telemetry {

    public Log {
        updatedTime = n(updatedTime);
        clusterName = n(clusterName);
        hostName = n(hostName);
        namespaceName = n(namespaceName);
        podName = n(podName);
        labels = n(labels);
        containerId = n(containerId);
        containerName = n(containerName);
        containerImage = n(containerImage);
        parentProcessName = n(parentProcessName);
        processName = n(processName);
        type = n(type);
        source = n(source);
        operation = n(operation);
        resource = n(resource);
        data = n(data);
        result = n(result);
        cwd = n(cwd);
        tty = n(tty);
        eventData = eventData == null ? Map.of() : Map.copyOf(eventData);
    }

    /** Unset strings are empty, as in protobuf, so records compare equal however they were made. */
    private static String n(String s) {
        return s == null ? "" : s;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The alert a policy decision turns this log into: every field of the log, plus what the caller adds
     * (policy name, severity, tags, message, type, enforcer, action, result).
     */
    public Alert.Builder toAlert() {
        return Alert.builder().timestamp(timestamp).updatedTime(updatedTime).clusterName(clusterName)
                .hostName(hostName).namespaceName(namespaceName).owner(owner).podName(podName).labels(labels)
                .containerId(containerId).containerName(containerName).containerImage(containerImage)
                .hostPpid(hostPpid).hostPid(hostPid).ppid(ppid).pid(pid).uid(uid)
                .parentProcessName(parentProcessName).processName(processName).type(type).source(source)
                .operation(operation).resource(resource).data(data).eventData(eventData).result(result).cwd(cwd)
                .tty(tty);
    }

    /** Fills a log field by field; every field not set keeps its zero value. */
    public static final class Builder {
        private long timestamp;
        private String updatedTime, clusterName, hostName, namespaceName, podName, labels, containerId, containerName,
                containerImage, parentProcessName, processName, type, source, operation, resource, data, result, cwd,
                tty;
        private PodOwner owner;
        private int hostPpid, hostPid, ppid, pid, uid;
        private Map<String, String> eventData = Map.of();

        private Builder() {}

        public Builder timestamp(long v) { timestamp = v; return this; }
        public Builder updatedTime(String v) { updatedTime = v; return this; }
        public Builder clusterName(String v) { clusterName = v; return this; }
        public Builder hostName(String v) { hostName = v; return this; }
        public Builder namespaceName(String v) { namespaceName = v; return this; }
        public Builder owner(PodOwner v) { owner = v; return this; }
        public Builder podName(String v) { podName = v; return this; }
        public Builder labels(String v) { labels = v; return this; }
        public Builder containerId(String v) { containerId = v; return this; }
        public Builder containerName(String v) { containerName = v; return this; }
        public Builder containerImage(String v) { containerImage = v; return this; }
        public Builder hostPpid(int v) { hostPpid = v; return this; }
        public Builder hostPid(int v) { hostPid = v; return this; }
        public Builder ppid(int v) { ppid = v; return this; }
        public Builder pid(int v) { pid = v; return this; }
        public Builder uid(int v) { uid = v; return this; }
        public Builder parentProcessName(String v) { parentProcessName = v; return this; }
        public Builder processName(String v) { processName = v; return this; }
        public Builder type(String v) { type = v; return this; }
        public Builder source(String v) { source = v; return this; }
        public Builder operation(String v) { operation = v; return this; }
        public Builder resource(String v) { resource = v; return this; }
        public Builder data(String v) { data = v; return this; }
        public Builder eventData(Map<String, String> v) { eventData = v; return this; }
        public Builder result(String v) { result = v; return this; }
        public Builder cwd(String v) { cwd = v; return this; }
        public Builder tty(String v) { tty = v; return this; }

        public Log build() {
            return new Log(timestamp, updatedTime, clusterName, hostName, namespaceName, owner, podName, labels,
                    containerId, containerName, containerImage, hostPpid, hostPid, ppid, pid, uid, parentProcessName,
                    processName, type, source, operation, resource, data, eventData, result, cwd, tty);
        }
    }
}
