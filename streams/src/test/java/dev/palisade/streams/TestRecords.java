package dev.palisade.streams;

import dev.palisade.telemetry.AgentMessage;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.PodOwner;
import dev.palisade.telemetry.TelemetryTypes;
import java.util.List;
import java.util.Map;

/** Records with every field set, numbered so that tests can tell them apart. */
public final class TestRecords {
    private TestRecords() {}

    public static final long TIMESTAMP = 1_795_000_000L; // 2026-11-18T...Z

    public static Alert alert(int n) {
        return alert(n, "default", "nginx-" + (n % 3), "container-" + (n % 3));
    }

    public static Alert alert(int n, String namespace, String pod, String containerId) {
        return Alert.builder().timestamp(TIMESTAMP + n).updatedTime("2026-11-18T10:00:00." + n + "Z")
                .clusterName("test-cluster").hostName("node-1").namespaceName(namespace)
                .owner(new PodOwner("Deployment", "nginx", namespace)).podName(pod).labels("app=nginx")
                .containerId(containerId).containerName("nginx").containerImage("nginx:1.27")
                .hostPpid(100 + n).hostPid(200 + n).ppid(1).pid(7).uid(1000).parentProcessName("/bin/bash")
                .processName("/bin/sh").policyName("ksp-block-sh").severity("5").tags("MITRE,T1059")
                .atags(List.of("MITRE", "T1059")).message("shell denied #" + n).type(TelemetryTypes.MATCHED_POLICY)
                .source("/bin/bash").operation(TelemetryTypes.OP_PROCESS).resource("/bin/sh -c id")
                .data("lsm=SECURITY_BPRM_CHECK").eventData(Map.of("seq", Integer.toString(n)))
                .enforcer(TelemetryTypes.ENFORCER_BPF_LSM).action("Block").result(TelemetryTypes.PERMISSION_DENIED)
                .cwd("/").tty("pts0").maxAlertsPerSec(10).droppingAlertsInterval(3).build();
    }

    public static Log log(int n) {
        return Log.builder().timestamp(TIMESTAMP + n).updatedTime("2026-11-18T10:00:01." + n + "Z")
                .clusterName("test-cluster").hostName("node-1").namespaceName("default")
                .owner(new PodOwner("Deployment", "web", "default")).podName("web-0").labels("app=web")
                .containerId("web-container").containerName("web").containerImage("busybox:1")
                .hostPpid(300).hostPid(301 + n).ppid(2).pid(3).uid(1).parentProcessName("/bin/sh")
                .processName("/bin/cat").type(TelemetryTypes.CONTAINER_LOG).source("/bin/sh")
                .operation(TelemetryTypes.OP_FILE).resource("/etc/passwd").data("syscall=SYS_OPENAT flags=O_RDONLY")
                .eventData(Map.of("n", Integer.toString(n))).result(TelemetryTypes.PASSED).cwd("/root").tty("pts1")
                .build();
    }

    /** A host log: no container, keyed by host name. */
    public static Log hostLog(int n) {
        return Log.builder().timestamp(TIMESTAMP + n).hostName("node-1").hostPid(42).pid(42)
                .processName("/usr/bin/ls").type(TelemetryTypes.HOST_LOG).operation(TelemetryTypes.OP_PROCESS)
                .resource("/usr/bin/ls").result(TelemetryTypes.PASSED).build();
    }

    public static AgentMessage message(int n) {
        return new AgentMessage(TIMESTAMP + n, "2026-11-18T10:00:02Z", "test-cluster", "node-1", "10.0.0.1",
                "Message", "INFO", "enforcer chosen: BPF-LSM #" + n);
    }
}
