package dev.palisade.policy.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.policy.Policy;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.load.PolicyLoader;
import dev.palisade.policy.select.HostIdentity;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.TelemetryTypes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The walkthrough of shared/seeds/least-permissive-access.md, replayed as KubeArmor logs. */
class SimulatorTest {
    static final List<Policy> SEED = PolicyLoader.load(List.of(Path.of("src/test/resources/policies/seed"))).policies();

    /** A process log as KubeArmor writes it for `bash -c <cmd>` inside the nginx pod. */
    static String exec(String program, String args) {
        return """
                {"Timestamp":1700000000,"UpdatedTime":"2026-11-22T10:00:00.000000Z","ClusterName":"default","HostName":"node-1",\
                "NamespaceName":"default","PodName":"nginx-7c5b8d65b8-x2x9z","Labels":"app=nginx,pod-template-hash=7c5b8d65b8",\
                "ContainerID":"3f2c","ContainerName":"nginx","ContainerImage":"docker.io/library/nginx:latest",\
                "HostPPID":4000,"HostPID":4001,"PPID":40,"PID":41,"UID":0,"ParentProcessName":"/usr/bin/bash","ProcessName":"%s",\
                "Type":"ContainerLog","Source":"/usr/bin/bash -c chroot","Operation":"Process","Resource":"%s%s",\
                "Data":"syscall=SYS_EXECVE","Result":"Passed"}""".formatted(program, program, args.isEmpty() ? "" : " " + args);
    }

    record Run(List<Alert> alerts, SimulationSummary summary, List<LogLines.Malformed> malformed) {}

    static Run simulate(Posture posture, String... lines) throws IOException {
        Simulator s = new Simulator(SEED, PostureSettings.uniform(Posture.AUDIT).withNamespace("default", posture),
                new HostIdentity("node-1", Map.of()), TelemetryTypes.ENFORCER_BPF_LSM);
        List<Alert> alerts = new ArrayList<>();
        List<LogLines.Malformed> bad = new ArrayList<>();
        SimulationSummary sum = s.run(new BufferedReader(new StringReader(String.join("\n", lines))), d -> alerts.add(d.alert()), bad::add);
        return new Run(alerts, sum, bad);
    }

    @Test
    void underBlockPostureChrootIsDeniedAndNginxAndBashRun() throws IOException {
        Run r = simulate(Posture.BLOCK, exec("/usr/sbin/nginx", "-g daemon off;"), exec("/bin/bash", "-c chroot"),
                exec("/usr/sbin/chroot", ""));
        assertEquals(1, r.alerts().size(), r.alerts()::toString);
        Alert a = r.alerts().getFirst();
        assertEquals("DefaultPosture", a.policyName());
        assertEquals("Block", a.action());
        assertEquals("Permission denied", a.result());
        assertEquals("MatchedPolicy", a.type());
        assertEquals("", a.severity() == null ? "" : a.severity());
        assertEquals("BPFLSM", a.enforcer());
        assertEquals("/usr/sbin/chroot", a.resource());
        assertEquals("Process", a.operation());
        assertEquals("nginx-7c5b8d65b8-x2x9z", a.podName());
        assertEquals(41, a.pid());
        assertEquals(3, r.summary().decided());
        assertEquals(1, r.summary().wouldBlock());
        assertEquals(Map.of("DefaultPosture (default)", List.of(1L, 0L)),
                Map.of(r.summary().perPolicy().keySet().iterator().next(),
                        List.of(r.summary().perPolicy().values().iterator().next()[0], r.summary().perPolicy().values().iterator().next()[1])));
    }

    @Test
    void underAuditPostureChrootRunsAndIsAudited() throws IOException {
        Run r = simulate(Posture.AUDIT, exec("/usr/sbin/chroot", ""));
        Alert a = r.alerts().getFirst();
        assertEquals("DefaultPosture", a.policyName());
        assertEquals("Audit", a.action());
        assertEquals("Passed", a.result());
        assertEquals(1, r.summary().wouldAudit());
        assertEquals(0, r.summary().wouldBlock());
    }

    @Test
    void otherNamespacesAndUnlabelledPodsAreNotSelected() throws IOException {
        Run r = simulate(Posture.BLOCK,
                exec("/usr/sbin/chroot", "").replace("\"NamespaceName\":\"default\"", "\"NamespaceName\":\"prod\""),
                exec("/usr/sbin/chroot", "").replace("app=nginx,", "app=web,"));
        assertTrue(r.alerts().isEmpty(), r.alerts()::toString);
    }

    @Test
    void malformedLinesAreReportedWithTheirNumberAndSkipped() throws IOException {
        Run r = simulate(Posture.BLOCK, "{not json", "", "[1,2]", exec("/usr/sbin/chroot", ""),
                "{\"Operation\":\"Syscall\",\"NamespaceName\":\"default\"}");
        assertEquals(List.of(1L, 3L), r.malformed().stream().map(LogLines.Malformed::lineNumber).toList());
        assertEquals(1, r.alerts().size());
        assertEquals(2, r.summary().malformed());
        assertEquals(1, r.summary().skipped());
    }

    @Test
    void fanotifyDenialsReadOperationNotPermitted() throws IOException {
        Simulator s = new Simulator(SEED, PostureSettings.uniform(Posture.BLOCK), new HostIdentity("n", Map.of()),
                TelemetryTypes.ENFORCER_FANOTIFY);
        List<Alert> alerts = new ArrayList<>();
        s.run(new BufferedReader(new StringReader(exec("/usr/sbin/chroot", ""))), d -> alerts.add(d.alert()), m -> { });
        assertEquals("Operation not permitted", alerts.getFirst().result());
        assertEquals("fanotify", alerts.getFirst().enforcer());
    }
}
