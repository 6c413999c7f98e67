package dev.palisade.streams.grpc;

import dev.palisade.telemetry.AgentMessage;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.PodOwner;
import dev.palisade.grpc.feeder.Message;
import dev.palisade.grpc.feeder.Podowner;

/**
 * Palisade's telemetry records to and from the feeder protobuf messages. Records and proto3 agree that an unset
 * string is empty, so strings map one to one. The owner is sent only when it names something, as KubeArmor's feeder
 * does. Fields the records do not carry (hashes, exec events, node id) stay unset.
 */
public final class FeederMapping {
    private FeederMapping() {}

    public static dev.palisade.grpc.feeder.Alert toProto(Alert a) {
        var b = dev.palisade.grpc.feeder.Alert.newBuilder()
                .setTimestamp(a.timestamp()).setUpdatedTime(s(a.updatedTime())).setClusterName(s(a.clusterName()))
                .setHostName(s(a.hostName())).setNamespaceName(s(a.namespaceName())).setPodName(s(a.podName()))
                .setLabels(s(a.labels())).setContainerID(s(a.containerId())).setContainerName(s(a.containerName()))
                .setContainerImage(s(a.containerImage())).setHostPPID(a.hostPpid()).setHostPID(a.hostPid())
                .setPPID(a.ppid()).setPID(a.pid()).setUID(a.uid()).setParentProcessName(s(a.parentProcessName()))
                .setProcessName(s(a.processName())).setPolicyName(s(a.policyName())).setSeverity(s(a.severity()))
                .setTags(s(a.tags())).addAllATags(a.atags()).setMessage(s(a.message())).setType(s(a.type()))
                .setSource(s(a.source())).setOperation(s(a.operation())).setResource(s(a.resource()))
                .setData(s(a.data())).putAllEventData(a.eventData()).setEnforcer(s(a.enforcer()))
                .setAction(s(a.action())).setResult(s(a.result())).setCwd(s(a.cwd())).setTTY(s(a.tty()))
                .setMaxAlertsPerSec(a.maxAlertsPerSec()).setDroppingAlertsInterval(a.droppingAlertsInterval());
        if (named(a.owner())) b.setOwner(toProto(a.owner()));
        return b.build();
    }

    public static Alert fromProto(dev.palisade.grpc.feeder.Alert p) {
        return Alert.builder()
                .timestamp(p.getTimestamp()).updatedTime(p.getUpdatedTime()).clusterName(p.getClusterName())
                .hostName(p.getHostName()).namespaceName(p.getNamespaceName())
                .owner(p.hasOwner() ? fromProto(p.getOwner()) : null).podName(p.getPodName())
                .labels(p.getLabels()).containerId(p.getContainerID()).containerName(p.getContainerName())
                .containerImage(p.getContainerImage()).hostPpid(p.getHostPPID()).hostPid(p.getHostPID())
                .ppid(p.getPPID()).pid(p.getPID()).uid(p.getUID()).parentProcessName(p.getParentProcessName())
                .processName(p.getProcessName()).policyName(p.getPolicyName()).severity(p.getSeverity())
                .tags(p.getTags()).atags(p.getATagsList()).message(p.getMessage()).type(p.getType())
                .source(p.getSource()).operation(p.getOperation()).resource(p.getResource())
                .data(p.getData()).eventData(p.getEventDataMap()).enforcer(p.getEnforcer())
                .action(p.getAction()).result(p.getResult()).cwd(p.getCwd()).tty(p.getTTY())
                .maxAlertsPerSec(p.getMaxAlertsPerSec()).droppingAlertsInterval(p.getDroppingAlertsInterval())
                .build();
    }

    public static dev.palisade.grpc.feeder.Log toProto(Log l) {
        var b = dev.palisade.grpc.feeder.Log.newBuilder()
                .setTimestamp(l.timestamp()).setUpdatedTime(s(l.updatedTime())).setClusterName(s(l.clusterName()))
                .setHostName(s(l.hostName())).setNamespaceName(s(l.namespaceName())).setPodName(s(l.podName()))
                .setLabels(s(l.labels())).setContainerID(s(l.containerId())).setContainerName(s(l.containerName()))
                .setContainerImage(s(l.containerImage())).setHostPPID(l.hostPpid()).setHostPID(l.hostPid())
                .setPPID(l.ppid()).setPID(l.pid()).setUID(l.uid()).setParentProcessName(s(l.parentProcessName()))
                .setProcessName(s(l.processName())).setType(s(l.type())).setSource(s(l.source()))
                .setOperation(s(l.operation())).setResource(s(l.resource())).setData(s(l.data()))
                .putAllEventData(l.eventData()).setResult(s(l.result())).setCwd(s(l.cwd())).setTTY(s(l.tty()));
        if (named(l.owner())) b.setOwner(toProto(l.owner()));
        return b.build();
    }

    public static Log fromProto(dev.palisade.grpc.feeder.Log p) {
        return Log.builder()
                .timestamp(p.getTimestamp()).updatedTime(p.getUpdatedTime()).clusterName(p.getClusterName())
                .hostName(p.getHostName()).namespaceName(p.getNamespaceName())
                .owner(p.hasOwner() ? fromProto(p.getOwner()) : null).podName(p.getPodName())
                .labels(p.getLabels()).containerId(p.getContainerID()).containerName(p.getContainerName())
                .containerImage(p.getContainerImage()).hostPpid(p.getHostPPID()).hostPid(p.getHostPID())
                .ppid(p.getPPID()).pid(p.getPID()).uid(p.getUID()).parentProcessName(p.getParentProcessName())
                .processName(p.getProcessName()).type(p.getType()).source(p.getSource())
                .operation(p.getOperation()).resource(p.getResource()).data(p.getData())
                .eventData(p.getEventDataMap()).result(p.getResult()).cwd(p.getCwd()).tty(p.getTTY())
                .build();
    }

    public static Message toProto(AgentMessage m) {
        return Message.newBuilder()
                .setTimestamp(m.timestamp()).setUpdatedTime(s(m.updatedTime())).setClusterName(s(m.clusterName()))
                .setHostName(s(m.hostName())).setHostIP(s(m.hostIp())).setType(s(m.type())).setLevel(s(m.level()))
                .setMessage(s(m.message()))
                .build();
    }

    public static AgentMessage fromProto(Message p) {
        return new AgentMessage(p.getTimestamp(), p.getUpdatedTime(), p.getClusterName(), p.getHostName(),
                p.getHostIP(), p.getType(), p.getLevel(), p.getMessage());
    }

    private static Podowner toProto(PodOwner o) {
        return Podowner.newBuilder().setRef(s(o.ref())).setName(s(o.name())).setNamespace(s(o.namespace())).build();
    }

    private static PodOwner fromProto(Podowner p) {
        return new PodOwner(p.getRef(), p.getName(), p.getNamespace());
    }

    private static boolean named(PodOwner o) {
        return o != null && !(s(o.ref()).isEmpty() && s(o.name()).isEmpty() && s(o.namespace()).isEmpty());
    }

    private static String s(String v) {
        return v == null ? "" : v;
    }
}
