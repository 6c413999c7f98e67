package dev.palisade.streams.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.kernel.event.EventHeader;
import dev.palisade.kernel.event.EventKind;
import dev.palisade.kernel.event.FileOpen;
import dev.palisade.kernel.event.FileSyscall;
import dev.palisade.kernel.event.ProcessExec;
import dev.palisade.kernel.event.SocketEvent;
import dev.palisade.kernel.sys.BootClock;
import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.compile.PathAliases;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.RuleSet;
import dev.palisade.policy.compile.RuleSetCompiler;
import dev.palisade.policy.compile.Scope;
import dev.palisade.policy.load.PolicyLoader;
import dev.palisade.policy.select.PolicySelector;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.PodOwner;
import dev.palisade.telemetry.Telemetry;
import dev.palisade.workload.ContainerInfo;
import dev.palisade.workload.ProtectedWorkload;
import dev.palisade.workload.WorkloadSnapshot;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EventProcessorTest {
    static final long CGROUP = 4242, CONTAINER_MNTNS = 777, HOST_MNTNS = 1;
    static final ContainerInfo NGINX = new ContainerInfo("3f2c".repeat(16), "nginx", "nginx:latest", "default", "nginx-1",
            "uid-1", Map.of("app", "nginx"), new PodOwner("Deployment", "nginx", "default"), CGROUP, "/kubepods/x", 100, "/");

    static RuleSet seedRules(Posture p) {
        var policies = PolicyLoader.load(List.of(Path.of("../policy/src/test/resources/policies/seed"))).policies();
        return RuleSetCompiler.compile(Scope.CONTAINER,
                policies.stream().filter(x -> PolicySelector.selects(x, NGINX.identity())).toList(), p, PathAliases.NONE);
    }

    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final PipelineCounters counters = new PipelineCounters();

    EventProcessor processor(Posture p, Set<OperationClass> enforced, int maxPerSec) {
        WorkloadSnapshot s = WorkloadSnapshot.EMPTY.with(new ProtectedWorkload(NGINX, seedRules(p)));
        return new EventProcessor(() -> s, new PipelineSettings(1024, true, maxPerSec, 30, 1000, enforced, "eBPF Monitor"),
                new NodeIdentity("default", "node-1"), BootClock.now(), HOST_MNTNS, counters, clock::get);
    }

    static EventHeader header(EventKind kind, int pid) {
        return new EventHeader(kind, BootClock.bootNanos(), CGROUP, pid, pid, 100, 7, 1, 0, 0, CONTAINER_MNTNS, 99, "bash");
    }

    static ProcessExec exec(String path, String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of(path));
        argv.addAll(List.of(args));
        return new ProcessExec(header(EventKind.PROCESS_EXEC, 5000), path, argv, argv.size(), "/usr/bin/bash", false, false, false);
    }

    @Test
    void anExecBecomesAKubeArmorLogWithTheContainersMetadata() {
        List<Telemetry> out = processor(Posture.BLOCK, Set.of(OperationClass.PROCESS, OperationClass.FILE), 10)
                .process(exec("/usr/sbin/nginx", "-g", "daemon off;"));
        assertEquals(1, out.size());
        Log log = assertInstanceOf(Log.class, out.getFirst());
        assertEquals("ContainerLog", log.type());
        assertEquals("Process", log.operation());
        assertEquals("/usr/sbin/nginx -g daemon off;", log.resource());
        assertEquals("/usr/sbin/nginx", log.processName());
        assertEquals("/usr/bin/bash", log.source());
        assertEquals("syscall=SYS_EXECVE", log.data());
        assertEquals("default", log.namespaceName());
        assertEquals("nginx-1", log.podName());
        assertEquals("app=nginx", log.labels());
        assertEquals("nginx", log.containerName());
        assertEquals("Deployment", log.owner().ref());
        assertEquals(5000, log.hostPid());
        assertEquals(7, log.pid(), "PID is the container's view");
        assertEquals("node-1", log.hostName());
        assertTrue(log.timestamp() > 1_700_000_000L, "wall-clock seconds");
    }

    @Test
    void classesTheKernelDoesNotEnforceAreDecidedHereAndReportedAsAuditOfABlock() {
        List<Telemetry> out = processor(Posture.BLOCK, Set.of(), 10).process(exec("/usr/sbin/chroot"));
        assertEquals(2, out.size());
        Alert a = assertInstanceOf(Alert.class, out.get(1));
        assertEquals("DefaultPosture", a.policyName());
        assertEquals("Audit (Block)", a.action(), "the monitor cannot deny: it says what would have been blocked");
        assertEquals("Passed", a.result());
        assertEquals("eBPF Monitor", a.enforcer());
        assertEquals("MatchedPolicy", a.type());
    }

    @Test
    void classesTheKernelEnforcesGetTheirAlertsFromTheEnforcerNotHere() {
        List<Telemetry> out = processor(Posture.BLOCK, Set.of(OperationClass.PROCESS), 10).process(exec("/usr/sbin/chroot"));
        assertEquals(1, out.size());
        assertInstanceOf(Log.class, out.getFirst());
    }

    @Test
    void fileOpensCarryFlagsResultAndTheActorsExecutable() {
        EventProcessor p = processor(Posture.BLOCK, Set.of(OperationClass.PROCESS, OperationClass.FILE), 10);
        p.process(exec("/usr/sbin/nginx"));
        Log log = (Log) p.process(new FileOpen(header(EventKind.FILE_OPEN, 5000), FileSyscall.OPENAT, FileOpen.AT_FDCWD,
                0101 | 02000000, 0644, -13, "/var/log/nginx/../nginx/access.log", false)).getFirst();
        assertEquals("File", log.operation());
        assertEquals("/var/log/nginx/access.log", log.resource());
        assertEquals("/usr/sbin/nginx", log.processName());
        assertEquals("syscall=SYS_OPENAT fd=-100 flags=O_WRONLY|O_CREAT|O_CLOEXEC", log.data());
        assertEquals("Permission denied", log.result());
    }

    @Test
    void socketsAreDescribedSoSimulateCanReadThemBack() throws Exception {
        EventProcessor p = processor(Posture.AUDIT, Set.of(), 10);
        Log log = (Log) p.process(new SocketEvent(header(EventKind.SOCKET_CONNECT, 5000), 3, 0, 2, 1, 6, 80,
                java.net.InetAddress.getByName("127.0.0.1"), null)).getFirst();
        assertEquals("domain=AF_INET type=SOCK_STREAM protocol=6 remoteip=127.0.0.1 port=80", log.resource());
        assertEquals("syscall=SYS_CONNECT fd=3", log.data());
        var access = dev.palisade.policy.simulate.LogInterpreter.interpret(log,
                dev.palisade.telemetry.TelemetryJson.mapper().valueToTree(log)).orElseThrow();
        assertEquals(2, access.family());
        assertEquals(1, access.type());
        assertEquals(6, access.protocol());
    }

    @Test
    void throttlingKeepsSeparateBudgetsForPostureAndPolicyAlerts() {
        EventProcessor p = processor(Posture.BLOCK, Set.of(), 3);
        int postureAlerts = 0, thresholds = 0;
        for (int i = 0; i < 50; i++) {
            for (Telemetry t : p.process(exec("/usr/bin/x" + i))) {
                if (t instanceof Alert a && a.type().equals("SystemEvent")) thresholds++;
                else if (t instanceof Alert) postureAlerts++;
            }
        }
        assertEquals(3, postureAlerts);
        assertEquals(1, thresholds, "one AlertThreshold alert when throttling starts");
        assertEquals(47, counters.throttled());
        clock.addAndGet(31_000_000_000L);
        assertEquals(2, p.process(exec("/usr/bin/later")).size(), "after throttleSec alerts flow again");
    }
}
