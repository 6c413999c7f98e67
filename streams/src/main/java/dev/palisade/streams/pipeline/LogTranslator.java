package dev.palisade.streams.pipeline;

import dev.palisade.kernel.event.EventHeader;
import dev.palisade.kernel.event.EventKind;
import dev.palisade.kernel.event.FileOpen;
import dev.palisade.kernel.event.ProcessExec;
import dev.palisade.kernel.event.SocketEvent;
import dev.palisade.kernel.sys.BootClock;
import dev.palisade.policy.match.SocketNames;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.TelemetryTypes;
import dev.palisade.workload.ContainerInfo;
import dev.palisade.telemetry.UpdatedTimeText;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.Locale;

/**
 * Turns monitor events into KubeArmor Log records: Resource, Data and Source spelled as KubeArmor spells them, so
 * recordings replay through {@code palisade simulate} and {@code palisade discover}, and KubeArmor tooling reads them.
 */
final class LogTranslator {
    private final NodeIdentity node;
    private final BootClock clock;
    private final UpdatedTimeText time = new UpdatedTimeText();
    // Per-event text that repeats: labels per container, open(2) Data per (syscall, dirfd, flags).
    private final IdentityHashMap<ContainerInfo, String> labels = new IdentityHashMap<>();
    private final long[] dataKeys = new long[1024];
    private final String[] dataTexts = new String[1024];

    LogTranslator(NodeIdentity node, BootClock clock) {
        this.node = node;
        this.clock = clock;
    }

    /** Common fields: time, node, container or host, pids, uid. */
    Log.Builder base(EventHeader h, ContainerInfo c, String processName, String parentProcessName) {
        Instant t = clock.toInstant(h.timestampNanos());
        Log.Builder b = Log.builder()
                .timestamp(t.getEpochSecond())
                .updatedTime(time.format(t.getEpochSecond(), t.getNano()))
                .clusterName(node.clusterName())
                .hostName(node.hostName())
                .hostPid(h.pid())
                .hostPpid(h.ppid())
                .pid(c == null ? h.pid() : h.nsPid())
                .ppid(c == null ? h.ppid() : h.nsPpid())
                .uid(h.uid())
                .processName(processName)
                .parentProcessName(parentProcessName);
        if (c == null) return b.type(TelemetryTypes.HOST_LOG);
        return b.type(TelemetryTypes.CONTAINER_LOG)
                .namespaceName(c.namespace())
                .podName(c.podName())
                .labels(labelsOf(c))
                .owner(c.owner())
                .containerId(c.containerId())
                .containerName(c.containerName())
                .containerImage(c.image());
    }

    Log exec(ProcessExec e, ContainerInfo c) {
        StringBuilder resource = new StringBuilder(e.path());
        for (int i = 1; i < e.argv().size(); i++) resource.append(' ').append(e.argv().get(i));
        return base(e.header(), c, e.path(), e.parentExe())
                .operation(TelemetryTypes.OP_PROCESS)
                .source(e.parentExe())
                .resource(resource.toString())
                .data("syscall=SYS_EXECVE")
                .result("Passed")
                .build();
    }

    Log open(FileOpen e, String path, String exe, String parentExe, ContainerInfo c) {
        return base(e.header(), c, exe, parentExe)
                .operation(TelemetryTypes.OP_FILE)
                .source(exe)
                .resource(path)
                .data(openData(e))
                .result(ErrnoText.result(e.result()))
                .build();
    }

    private String labelsOf(ContainerInfo c) {
        String text = labels.get(c);
        if (text == null) {
            if (labels.size() >= 4096) labels.clear(); // snapshots replace ContainerInfo values; forget the old ones
            text = c.identity().labelsText();
            labels.put(c, text);
        }
        return text;
    }

    private String openData(FileOpen e) {
        long key = ((long) e.syscall().ordinal() << 56) ^ ((long) e.dirfd() << 32) ^ (e.flags() & 0xffffffffL);
        int slot = (int) ((key * 0x9E3779B97F4A7C15L) >>> 54);
        if (dataTexts[slot] != null && dataKeys[slot] == key) return dataTexts[slot];
        String text = "syscall=SYS_" + e.syscall().name() + " fd=" + e.dirfd() + " flags=" + OpenFlags.text(e.flags());
        dataKeys[slot] = key;
        dataTexts[slot] = text;
        return text;
    }

    Log socket(SocketEvent e, String exe, String parentExe, ContainerInfo c) {
        String typeName = SocketNames.typeName(e.type());
        StringBuilder r = new StringBuilder("domain=").append(SocketNames.familyName(e.family()))
                .append(" type=SOCK_").append(typeName == null ? Integer.toString(e.type()) : typeName.toUpperCase(Locale.ROOT))
                .append(" protocol=").append(e.protocol());
        if (e.address() != null) {
            r.append(e.header().kind() == EventKind.SOCKET_BIND ? " localip=" : " remoteip=")
                    .append(e.address().getHostAddress()).append(" port=").append(e.port());
        } else if (e.unixPath() != null) {
            r.append(" path=").append(e.unixPath());
        }
        String syscall = switch (e.header().kind()) {
            case SOCKET_CONNECT -> "SYS_CONNECT";
            case SOCKET_ACCEPT -> "SYS_ACCEPT";
            case SOCKET_BIND -> "SYS_BIND";
            default -> "SYS_SOCKET";
        };
        return base(e.header(), c, exe, parentExe)
                .operation(TelemetryTypes.OP_NETWORK)
                .source(exe)
                .resource(r.toString())
                .data("syscall=" + syscall + (e.fd() >= 0 ? " fd=" + e.fd() : ""))
                .result(ErrnoText.result(e.result()))
                .build();
    }
}
