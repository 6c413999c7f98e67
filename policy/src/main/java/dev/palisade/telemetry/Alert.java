package dev.palisade.telemetry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * An alert in KubeArmor's schema (message {@code feeder.Alert}): an operation that matched a policy or the
 * default posture. JSON names are KubeArmor's, and fields at their zero value are left out as KubeArmor does,
 * so dashboards built for KubeArmor read Palisade's alerts unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"Timestamp", "UpdatedTime", "ClusterName", "HostName", "NamespaceName", "Owner", "PodName",
        "Labels", "ContainerID", "ContainerName", "ContainerImage", "HostPPID", "HostPID", "PPID", "PID", "UID",
        "ParentProcessName", "ProcessName", "PolicyName", "Severity", "Tags", "ATags", "Message", "Type", "Source",
        "Operation", "Resource", "Data", "EventData", "Enforcer", "Action", "Result", "Cwd", "TTY"})
public record Alert(
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
        @JsonProperty("PolicyName") String policyName,
        @JsonProperty("Severity") String severity,
        @JsonProperty("Tags") String tags,
        @JsonProperty("ATags") List<String> atags,
        @JsonProperty("Message") String message,
        @JsonProperty("Type") String type,
        @JsonProperty("Source") String source,
        @JsonProperty("Operation") String operation,
        @JsonProperty("Resource") String resource,
        @JsonProperty("Data") String data,
        @JsonProperty("EventData") Map<String, String> eventData,
        @JsonProperty("Enforcer") String enforcer,
        @JsonProperty("Action") String action,
        @JsonProperty("Result") String result,
        @JsonProperty("Cwd") String cwd,
        @JsonProperty("TTY") String tty,
        @JsonProperty("MaxAlertsPerSec") @JsonInclude(JsonInclude.Include.NON_DEFAULT) int maxAlertsPerSec,
        @JsonProperty("DroppingAlertsInterval") @JsonInclude(JsonInclude.Include.NON_DEFAULT) int droppingAlertsInterval)
        implements Telemetry {

    public Alert {
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
        policyName = n(policyName);
        severity = n(severity);
        tags = n(tags);
        message = n(message);
        type = n(type);
        source = n(source);
        operation = n(operation);
        resource = n(resource);
        data = n(data);
        enforcer = n(enforcer);
        action = n(action);
        result = n(result);
        cwd = n(cwd);
        tty = n(tty);
        atags = atags == null ? List.of() : List.copyOf(atags);
        eventData = eventData == null ? Map.of() : Map.copyOf(eventData);
    }

    /** Unset strings are empty, as in protobuf, so records compare equal however they were made. */
    private static String n(String s) {
        return s == null ? "" : s;
    }

    /** {@code Block: /usr/sbin/chroot}-style short form of the action, for messages. */
    public String actionText() {
        return action;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this alert's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Fills an alert field by field; every field not set keeps its zero value. */
    public static final class Builder {
        private long timestamp;
        private String updatedTime, clusterName, hostName, namespaceName, podName, labels, containerId, containerName,
                containerImage, parentProcessName, processName, policyName, severity, tags, message, type, source,
                operation, resource, data, enforcer, action, result, cwd, tty;
        private PodOwner owner;
        private int hostPpid, hostPid, ppid, pid, uid, maxAlertsPerSec, droppingAlertsInterval;
        private List<String> atags = List.of();
        private Map<String, String> eventData = Map.of();

        private Builder() {}

        private Builder(Alert a) {
            timestamp = a.timestamp; updatedTime = a.updatedTime; clusterName = a.clusterName; hostName = a.hostName;
            namespaceName = a.namespaceName; owner = a.owner; podName = a.podName; labels = a.labels;
            containerId = a.containerId; containerName = a.containerName; containerImage = a.containerImage;
            hostPpid = a.hostPpid; hostPid = a.hostPid; ppid = a.ppid; pid = a.pid; uid = a.uid;
            parentProcessName = a.parentProcessName; processName = a.processName; policyName = a.policyName;
            severity = a.severity; tags = a.tags; atags = a.atags; message = a.message; type = a.type;
            source = a.source; operation = a.operation; resource = a.resource; data = a.data;
            eventData = a.eventData; enforcer = a.enforcer; action = a.action; result = a.result; cwd = a.cwd;
            tty = a.tty; maxAlertsPerSec = a.maxAlertsPerSec; droppingAlertsInterval = a.droppingAlertsInterval;
        }

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
        public Builder policyName(String v) { policyName = v; return this; }
        public Builder severity(String v) { severity = v; return this; }
        public Builder tags(String v) { tags = v; return this; }
        public Builder atags(List<String> v) { atags = v; return this; }
        public Builder message(String v) { message = v; return this; }
        public Builder type(String v) { type = v; return this; }
        public Builder source(String v) { source = v; return this; }
        public Builder operation(String v) { operation = v; return this; }
        public Builder resource(String v) { resource = v; return this; }
        public Builder data(String v) { data = v; return this; }
        public Builder eventData(Map<String, String> v) { eventData = v; return this; }
        public Builder enforcer(String v) { enforcer = v; return this; }
        public Builder action(String v) { action = v; return this; }
        public Builder result(String v) { result = v; return this; }
        public Builder cwd(String v) { cwd = v; return this; }
        public Builder tty(String v) { tty = v; return this; }
        public Builder maxAlertsPerSec(int v) { maxAlertsPerSec = v; return this; }
        public Builder droppingAlertsInterval(int v) { droppingAlertsInterval = v; return this; }

        public Alert build() {
            return new Alert(timestamp, updatedTime, clusterName, hostName, namespaceName, owner, podName, labels,
                    containerId, containerName, containerImage, hostPpid, hostPid, ppid, pid, uid, parentProcessName,
                    processName, policyName, severity, tags, atags, message, type, source, operation, resource, data,
                    eventData, enforcer, action, result, cwd, tty, maxAlertsPerSec, droppingAlertsInterval);
        }
    }
}
