package dev.palisade.streams.sink;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.PodOwner;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Logs and alerts written field by field through Jackson's streaming generator. Every monitored event passes here,
 * and the data-binding writer (reflection over the record, an inclusion check per property) costs several times
 * more. The output is byte for byte what {@code TelemetryJson}'s mapper writes from the records' annotations (same
 * order, empty strings and zero numbers left out); {@code TelemetryFieldWriterTest} holds the two equal.
 */
final class TelemetryFieldWriter {
    private static final SerializableString TIMESTAMP = name("Timestamp"), UPDATED_TIME = name("UpdatedTime"),
            CLUSTER_NAME = name("ClusterName"), HOST_NAME = name("HostName"), NAMESPACE_NAME = name("NamespaceName"),
            OWNER = name("Owner"), POD_NAME = name("PodName"), LABELS = name("Labels"),
            CONTAINER_ID = name("ContainerID"), CONTAINER_NAME = name("ContainerName"),
            CONTAINER_IMAGE = name("ContainerImage"), HOST_PPID = name("HostPPID"), HOST_PID = name("HostPID"),
            PPID = name("PPID"), PID = name("PID"), UID = name("UID"), PARENT_PROCESS_NAME = name("ParentProcessName"),
            PROCESS_NAME = name("ProcessName"), POLICY_NAME = name("PolicyName"), SEVERITY = name("Severity"),
            TAGS = name("Tags"), ATAGS = name("ATags"), MESSAGE = name("Message"), TYPE = name("Type"),
            SOURCE = name("Source"), OPERATION = name("Operation"), RESOURCE = name("Resource"), DATA = name("Data"),
            EVENT_DATA = name("EventData"), ENFORCER = name("Enforcer"), ACTION = name("Action"),
            RESULT = name("Result"), CWD = name("Cwd"), TTY = name("TTY"), MAX_ALERTS = name("MaxAlertsPerSec"),
            DROPPING_INTERVAL = name("DroppingAlertsInterval"), REF = name("Ref"), NAME = name("Name"),
            NAMESPACE = name("Namespace");

    private TelemetryFieldWriter() {}

    private static SerializableString name(String s) {
        return new SerializedString(s);
    }

    static void write(JsonGenerator g, Log l) throws IOException {
        g.writeStartObject();
        if (l.timestamp() != 0) {
            g.writeFieldName(TIMESTAMP);
            g.writeNumber(l.timestamp());
        }
        string(g, UPDATED_TIME, l.updatedTime());
        string(g, CLUSTER_NAME, l.clusterName());
        string(g, HOST_NAME, l.hostName());
        string(g, NAMESPACE_NAME, l.namespaceName());
        owner(g, l.owner());
        string(g, POD_NAME, l.podName());
        string(g, LABELS, l.labels());
        string(g, CONTAINER_ID, l.containerId());
        string(g, CONTAINER_NAME, l.containerName());
        string(g, CONTAINER_IMAGE, l.containerImage());
        number(g, HOST_PPID, l.hostPpid());
        number(g, HOST_PID, l.hostPid());
        number(g, PPID, l.ppid());
        number(g, PID, l.pid());
        number(g, UID, l.uid());
        string(g, PARENT_PROCESS_NAME, l.parentProcessName());
        string(g, PROCESS_NAME, l.processName());
        string(g, TYPE, l.type());
        string(g, SOURCE, l.source());
        string(g, OPERATION, l.operation());
        string(g, RESOURCE, l.resource());
        string(g, DATA, l.data());
        map(g, EVENT_DATA, l.eventData());
        string(g, RESULT, l.result());
        string(g, CWD, l.cwd());
        string(g, TTY, l.tty());
        g.writeEndObject();
    }

    static void write(JsonGenerator g, Alert a) throws IOException {
        g.writeStartObject();
        if (a.timestamp() != 0) {
            g.writeFieldName(TIMESTAMP);
            g.writeNumber(a.timestamp());
        }
        string(g, UPDATED_TIME, a.updatedTime());
        string(g, CLUSTER_NAME, a.clusterName());
        string(g, HOST_NAME, a.hostName());
        string(g, NAMESPACE_NAME, a.namespaceName());
        owner(g, a.owner());
        string(g, POD_NAME, a.podName());
        string(g, LABELS, a.labels());
        string(g, CONTAINER_ID, a.containerId());
        string(g, CONTAINER_NAME, a.containerName());
        string(g, CONTAINER_IMAGE, a.containerImage());
        number(g, HOST_PPID, a.hostPpid());
        number(g, HOST_PID, a.hostPid());
        number(g, PPID, a.ppid());
        number(g, PID, a.pid());
        number(g, UID, a.uid());
        string(g, PARENT_PROCESS_NAME, a.parentProcessName());
        string(g, PROCESS_NAME, a.processName());
        string(g, POLICY_NAME, a.policyName());
        string(g, SEVERITY, a.severity());
        string(g, TAGS, a.tags());
        list(g, ATAGS, a.atags());
        string(g, MESSAGE, a.message());
        string(g, TYPE, a.type());
        string(g, SOURCE, a.source());
        string(g, OPERATION, a.operation());
        string(g, RESOURCE, a.resource());
        string(g, DATA, a.data());
        map(g, EVENT_DATA, a.eventData());
        string(g, ENFORCER, a.enforcer());
        string(g, ACTION, a.action());
        string(g, RESULT, a.result());
        string(g, CWD, a.cwd());
        string(g, TTY, a.tty());
        number(g, MAX_ALERTS, a.maxAlertsPerSec());
        number(g, DROPPING_INTERVAL, a.droppingAlertsInterval());
        g.writeEndObject();
    }

    private static void string(JsonGenerator g, SerializableString name, String value) throws IOException {
        if (value == null || value.isEmpty()) return;
        g.writeFieldName(name);
        g.writeString(value);
    }

    private static void number(JsonGenerator g, SerializableString name, int value) throws IOException {
        if (value == 0) return;
        g.writeFieldName(name);
        g.writeNumber(value);
    }

    private static void owner(JsonGenerator g, PodOwner o) throws IOException {
        if (o == null) return;
        g.writeFieldName(OWNER);
        g.writeStartObject();
        string(g, REF, o.ref());
        string(g, NAME, o.name());
        string(g, NAMESPACE, o.namespace());
        g.writeEndObject();
    }

    private static void map(JsonGenerator g, SerializableString name, Map<String, String> m) throws IOException {
        if (m == null || m.isEmpty()) return;
        g.writeFieldName(name);
        g.writeStartObject();
        for (Map.Entry<String, String> e : m.entrySet()) {
            g.writeFieldName(e.getKey());
            if (e.getValue() == null) {
                g.writeNull();
            } else {
                g.writeString(e.getValue());
            }
        }
        g.writeEndObject();
    }

    private static void list(JsonGenerator g, SerializableString name, List<String> l) throws IOException {
        if (l == null || l.isEmpty()) return;
        g.writeFieldName(name);
        g.writeStartArray();
        for (String s : l) {
            if (s == null) {
                g.writeNull();
            } else {
                g.writeString(s);
            }
        }
        g.writeEndArray();
    }
}
