package dev.palisade.streams.logs;

import dev.palisade.telemetry.AgentMessage;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.Telemetry;
import dev.palisade.telemetry.TelemetryJson;
import java.time.Instant;

/**
 * How {@code palisade logs} prints a record: one JSON line in KubeArmor's field names, or one line for people:
 * time, where (namespace/pod/container, or host), operation, resource, outcome and policy.
 */
public final class RecordRenderer {
    public enum Format { TEXT, JSON }

    private RecordRenderer() {}

    public static String render(Telemetry r, Format format) {
        return format == Format.JSON ? TelemetryJson.write(r) : human(r);
    }

    public static String human(Telemetry r) {
        return switch (r) {
            case Alert a -> String.join("  ", time(a.updatedTime(), a.timestamp()), "ALERT",
                    where(a.namespaceName(), a.podName(), a.containerName(), a.hostName()), dash(a.operation()),
                    dash(a.resource()), outcome(a.action(), a.result()),
                    "policy=" + dash(a.policyName()) + (empty(a.severity()) ? "" : " severity=" + a.severity()),
                    "process=" + dash(a.processName()));
            case Log l -> String.join("  ", time(l.updatedTime(), l.timestamp()), "LOG",
                    where(l.namespaceName(), l.podName(), l.containerName(), l.hostName()), dash(l.operation()),
                    dash(l.resource()), dash(l.result()), "process=" + dash(l.processName()));
            case AgentMessage m -> String.join("  ", time(m.updatedTime(), m.timestamp()), "MESSAGE",
                    "host:" + dash(m.hostName()), dash(m.level()), dash(m.message()));
        };
    }

    private static String time(String updated, long epochSeconds) {
        if (!empty(updated)) return updated;
        return epochSeconds > 0 ? Instant.ofEpochSecond(epochSeconds).toString() : "-";
    }

    private static String where(String ns, String pod, String container, String host) {
        if (empty(ns) && empty(pod) && empty(container)) return "host:" + dash(host);
        return dash(ns) + "/" + dash(pod) + "/" + dash(container);
    }

    private static String outcome(String action, String result) {
        if (empty(action)) return dash(result);
        return action + " (" + dash(result) + ")";
    }

    private static String dash(String s) {
        return empty(s) ? "-" : s;
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }
}
