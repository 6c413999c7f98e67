package dev.palisade.kernel.fanotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.kernel.enforce.EnforcementEvent;
import dev.palisade.policy.Policy;
import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.RootfsAliases;
import dev.palisade.policy.compile.RuleSet;
import dev.palisade.policy.compile.RuleSetCompiler;
import dev.palisade.policy.compile.Scope;
import dev.palisade.policy.load.PolicyLoader;
import dev.palisade.policy.select.PolicySelector;
import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import dev.palisade.testing.containers.ExecResult;
import dev.palisade.testing.containers.RuncContainer;
import dev.palisade.workload.ContainerInfo;
import dev.palisade.workload.ProtectedWorkload;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Requires({Need.FANOTIFY, Need.RUNC})
@Timeout(120)
class FanotifyEnforcerTest {
    static final String SEED_DIR = "../policy/src/test/resources/policies/seed";
    static final String BLOCK_SECRET = """
            apiVersion: security.kubearmor.com/v1
            kind: KubeArmorPolicy
            metadata: {name: block-secret, namespace: default}
            spec:
              selector: {matchLabels: {app: nginx}}
              severity: 7
              file:
                matchPaths:
                - path: /etc/secret
              action: Block
            """;

    static final String BLOCK_HOSTNAME = """
            apiVersion: security.kubearmor.com/v1
            kind: KubeArmorPolicy
            metadata: {name: block-hostname, namespace: default}
            spec:
              selector: {matchLabels: {app: nginx}}
              file:
                matchPaths:
                - path: /etc/hostname
              action: Block
            """;

    static final String ALLOW_HOSTNAME = """
            apiVersion: security.kubearmor.com/v1
            kind: KubeArmorPolicy
            metadata: {name: allow-hostname, namespace: default}
            spec:
              selector: {matchLabels: {app: nginx}}
              file:
                matchPaths:
                - path: /etc/hostname
              action: Allow
            """;

    /** Each task of the container with what it waits in, for failure messages. */
    static String heldTasks(RuncContainer a) {
        StringBuilder b = new StringBuilder("\ntasks of the container:");
        try {
            for (String pid : java.nio.file.Files.readAllLines(a.cgroupV2Path().resolve("cgroup.procs"))) {
                b.append("\n ").append(pid).append(' ')
                        .append(java.nio.file.Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' '))
                        .append(" wchan=").append(java.nio.file.Files.readString(Path.of("/proc/" + pid + "/wchan")))
                        .append(" syscall=").append(java.nio.file.Files.readString(Path.of("/proc/" + pid + "/syscall")).strip())
                        .append("\n   kernel stack: ").append(java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stack")).replace("\n", "\n   "));
            }
        } catch (Exception e) {
            b.append(e);
        }
        return b.toString();
    }

    /** Where the enforcers' reader threads are, for failure messages. */
    static String readerStacks() {
        StringBuilder b = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (!t.getName().startsWith("fanotify")) return;
            b.append("\nthread ").append(t.getName()).append(' ').append(t.getState());
            for (StackTraceElement e : stack) b.append("\n    at ").append(e);
        });
        try (var tasks = java.nio.file.Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                if (!java.nio.file.Files.readString(task.resolve("comm")).startsWith("fanotify")) continue;
                b.append("\nkernel stack of ").append(task.getFileName()).append(":\n   ")
                        .append(java.nio.file.Files.readString(task.resolve("stack")).replace("\n", "\n   "));
            }
        } catch (Exception e) {
            b.append(e);
        }
        return b.toString();
    }

    /**
     * A bash loop in the container reads the file 200 times, twice (the first round asks, and caches what may be);
     * how many events the enforcer decided during the second.
     */
    static long decidedWhenReadAgain(RuncContainer a, FanotifyEnforcer enforcer, String file) {
        String loop = "for ((i = 0; i < 200; i++)); do read x < %s || exit 7; done".formatted(file);
        assertTrue(a.exec("/bin/bash", "-c", loop).ok(), "first reads of " + file);
        long before = enforcer.decided();
        assertTrue(a.exec("/bin/bash", "-c", loop).ok(), "second reads of " + file);
        return enforcer.decided() - before;
    }

    static ContainerInfo info(RuncContainer c) {
        return new ContainerInfo(c.id(), "nginx", "", "default", "nginx-1", "", Map.of("app", "nginx"), null, c.cgroupId(),
                c.cgroupV2Path().toString(), (int) c.initPid(), "/proc/" + c.initPid() + "/root");
    }

    static RuleSet compile(ContainerInfo c, List<Policy> policies, Posture posture) {
        return RuleSetCompiler.compile(Scope.CONTAINER, policies.stream().filter(p -> PolicySelector.selects(p, c.identity())).toList(),
                posture, new RootfsAliases(Path.of(c.rootfs())));
    }

    @Test
    void deniesExecAndOpenInOneContainerAndLeavesTheHostAndTheOtherContainerAlone() throws Exception {
        List<Policy> policies = new java.util.ArrayList<>(PolicyLoader.load(List.of(Path.of(SEED_DIR))).policies());
        policies.addAll(PolicyLoader.loadText("block.yaml", BLOCK_SECRET).policies());
        List<EnforcementEvent> events = new CopyOnWriteArrayList<>();
        try (RuncContainer a = RuncContainer.builder().rootfsFile("/etc/secret", "s3cret\n", 0644).start();
             RuncContainer b = RuncContainer.builder().rootfsFile("/etc/secret", "other\n", 0644).start();
             FanotifyEnforcer enforcer = new FanotifyEnforcer(events::add, false)) {
            ContainerInfo ca = info(a);
            enforcer.apply(new ProtectedWorkload(ca, compile(ca, policies, Posture.BLOCK)));

            // bash is allowed (written /bin/bash, reported /usr/bin/bash on this merged-/usr root) and is dynamic:
            // its ld.so must not count as an exec.
            ExecResult hello = a.exec("/bin/bash", "-c", "echo hello");
            assertEquals("hello", hello.stdout().strip(), () -> hello + "\ndecisions: " + describe(events));

            // bash forks for the first of two commands: id's parent task is bash
            ExecResult id = a.exec("/bin/bash", "-c", "/usr/bin/id; exit $?");
            assertEquals(126, id.exitCode(), id::toString);
            assertTrue(id.stderr().contains("Operation not permitted"), id::toString);

            // the loader run as the program is an exec of the loader: not allowed, whatever it would load
            ExecResult loader = a.exec("/bin/bash", "-c", "/lib64/ld-linux-x86-64.so.2 /usr/bin/id; exit $?");
            assertEquals(126, loader.exitCode(), loader::toString);

            ExecResult cat = a.exec("/bin/bash", "-c", "read x < /etc/secret || exit 7; echo $x");
            assertEquals(7, cat.exitCode(), cat::toString);
            assertTrue(cat.stderr().contains("Operation not permitted"), cat::toString);
            assertEquals("s3cret", a.exec("/bin/bash", "-c", "read x < /etc/hostname && echo s3cret").stdout().strip(),
                    "other files open");

            // the other container and the host are untouched
            assertTrue(b.exec("/usr/bin/id").ok());
            assertEquals("other", b.exec("/bin/cat", "/etc/secret").assertOk().stdout().strip());
            assertEquals(0, new ProcessBuilder("/usr/bin/id").start().waitFor());
            assertEquals("s3cret\n", java.nio.file.Files.readString(Path.of("/proc/" + a.initPid() + "/root/etc/secret")),
                    "the host reading the container's files is not judged");
            Process hostCat = new ProcessBuilder("/bin/cat", "/proc/" + a.initPid() + "/root/etc/secret").start();
            assertEquals("s3cret\n", new String(hostCat.getInputStream().readAllBytes()),
                    "a host process reading a path the container may not open is not the container's: allowed");
            assertEquals(0, hostCat.waitFor());
            assertTrue(enforcer.foreign() >= 1);

            Thread.sleep(200);
            EnforcementEvent exec = events.stream().filter(e -> e.resource().equals("/usr/bin/id")).findFirst().orElseThrow();
            assertEquals(OperationClass.PROCESS, exec.operation());
            assertEquals("DefaultPosture", exec.verdict().policyName());
            assertEquals("Operation not permitted", exec.result());
            assertEquals("/usr/bin/bash", exec.source(), "the source of an exec is its parent task's executable");
            assertEquals(a.cgroupId(), exec.cgroupId());
            EnforcementEvent open = events.stream().filter(e -> e.resource().equals("/etc/secret")).findFirst().orElseThrow();
            assertEquals("block-secret", open.verdict().policyName());
            assertEquals("7", open.verdict().severity());
            assertEquals(1, events.stream().filter(e -> e.resource().contains("ld-linux")).count(),
                    () -> "an event for the loader only when it was run as the program:" + describe(events));
            assertTrue(events.stream().allMatch(e -> e.cgroupId() == a.cgroupId()));

            // rules replaced atomically: audit posture lets the exec through, reported as Audit
            enforcer.apply(new ProtectedWorkload(ca, compile(ca, policies, Posture.AUDIT)));
            assertTrue(a.exec("/bin/bash", "-c", "/usr/bin/id").ok());

            enforcer.remove(ca);
            assertTrue(a.exec("/bin/cat", "/etc/secret").ok(), "removing the container unmarks it");
            assertEquals(0, enforcer.failures());
        }
    }

    @Test
    void repeatedAllowedOpensAreAnsweredByTheKernelUntilTheRulesChange() throws Exception {
        List<Policy> secret = PolicyLoader.loadText("block.yaml", BLOCK_SECRET).policies();
        try (RuncContainer a = RuncContainer.builder().rootfsFile("/etc/linked", "l\n", 0644).start();
             FanotifyEnforcer enforcer = new FanotifyEnforcer(e -> { }, false)) {
            ContainerInfo ca = info(a);
            enforcer.apply(new ProtectedWorkload(ca, compile(ca, secret, Posture.BLOCK)));
            long repeat = decidedWhenReadAgain(a, enforcer, "/etc/hostname");
            assertTrue(repeat < 50, "200 opens of a cached file are not asked about, only bash's exec is: " + repeat);
            assertTrue(enforcer.cached() >= 1);

            // the host's /usr, bound at /usr and nowhere else in the container: its files have one path there too
            repeat = decidedWhenReadAgain(a, enforcer, "/usr/lib/os-release");
            assertTrue(repeat < 50, "a file on a bind mount the container sees once is cached: " + repeat);

            // a file with a second name is never cached: the other name could be one the rules deny
            Path root = Path.of("/proc/" + a.initPid() + "/root");
            java.nio.file.Files.createLink(root.resolve("etc/linked2"), root.resolve("etc/linked"));
            assertTrue(decidedWhenReadAgain(a, enforcer, "/etc/linked") >= 200, "every open of a hard-linked file is decided");

            // new rules: what the old ones allowed is asked about again
            List<Policy> both = new java.util.ArrayList<>(secret);
            both.addAll(PolicyLoader.loadText("hostname.yaml", BLOCK_HOSTNAME).policies());
            enforcer.apply(new ProtectedWorkload(ca, compile(ca, both, Posture.BLOCK)));
            ExecResult denied = a.exec("/bin/bash", "-c", "read x < /etc/hostname || exit 7");
            assertEquals(7, denied.exitCode(), denied::toString);
            assertTrue(denied.stderr().contains("Operation not permitted"), denied::toString);
            assertEquals(0, enforcer.failures());
        }
    }

    /**
     * A repeated exec of an allowed program is decided from its file's identity, its ELF loader too; the loader run
     * as the program is still an exec of its own; a program with a second name is always asked about by path; new
     * rules forget everything.
     */
    @Test
    void aRepeatedExecIsDecidedByItsFileUntilTheRulesChange() throws Exception {
        String allow = """
                apiVersion: security.kubearmor.com/v1
                kind: KubeArmorPolicy
                metadata: {name: allow-programs, namespace: default}
                spec:
                  selector: {matchLabels: {app: nginx}}
                  process:
                    matchPaths:
                    - path: /usr/bin/bash
                    - path: /usr/bin/true
                    - path: /opt/busybox
                  action: Allow
                """;
        byte[] busybox = java.nio.file.Files.readAllBytes(dev.palisade.testing.BusyboxStatic.locate());
        try (RuncContainer a = RuncContainer.builder().rootfsFile("/opt/busybox", busybox, 0755).start();
             FanotifyEnforcer enforcer = new FanotifyEnforcer(e -> { }, false)) {
            ContainerInfo ca = info(a);
            enforcer.apply(new ProtectedWorkload(ca, compile(ca, PolicyLoader.loadText("allow.yaml", allow).policies(), Posture.BLOCK)));
            String loop = "for ((i = 0; i < 20; i++)); do %s || exit 7; done";
            assertTrue(a.exec("/bin/bash", "-c", loop.formatted("/opt/busybox true")).ok()); // bash and busybox seen once
            long before = enforcer.recalled();
            ExecResult statics = a.exec("/bin/bash", "-c", loop.formatted("/opt/busybox true"));
            assertTrue(statics.ok(), statics::toString);
            long recalled = enforcer.recalled() - before;
            // 20 execs of busybox (static: one event each), bash's own exec and its loader
            assertTrue(recalled >= 20 && recalled <= 22, "recalled " + recalled);

            before = enforcer.recalled();
            assertTrue(a.exec("/bin/bash", "-c", loop.formatted("/usr/bin/true")).ok());
            recalled = enforcer.recalled() - before;
            assertTrue(recalled >= 40 && recalled <= 42, "true and its loader, 20 times: " + recalled);

            ExecResult loader = a.exec("/bin/bash", "-c", "/lib64/ld-linux-x86-64.so.2 /usr/bin/true; exit $?");
            assertEquals(126, loader.exitCode(), () -> "the loader run as the program is not allowed: " + loader);

            Path root = Path.of("/proc/" + a.initPid() + "/root");
            java.nio.file.Files.createLink(root.resolve("opt/busybox2"), root.resolve("opt/busybox"));
            before = enforcer.recalled();
            assertTrue(a.exec("/bin/bash", "-c", loop.formatted("/opt/busybox true")).ok());
            assertTrue(enforcer.recalled() - before <= 2, "a program with two names is asked about by path every time");
            ExecResult second = a.exec("/bin/bash", "-c", "/opt/busybox2 true; exit $?");
            assertEquals(126, second.exitCode(), () -> "its other name is not allowed: " + second);

            enforcer.apply(new ProtectedWorkload(ca, compile(ca, PolicyLoader.loadText("allow.yaml",
                    allow.replace("    - path: /usr/bin/true\n", "")).policies(), Posture.BLOCK)));
            ExecResult denied = a.exec("/bin/bash", "-c", "/usr/bin/true; exit $?");
            assertEquals(126, denied.exitCode(), () -> "new rules: true is no longer allowed: " + denied);
            assertTrue(denied.stderr().contains("Operation not permitted"), denied::toString);
            assertEquals(0, enforcer.failures());
        }
    }

    /**
     * A filesystem the container sees through two mounts gives a file two paths, one of which the rules may deny:
     * nothing on either mount is cached.
     */
    @Test
    void aFileWithAPathThroughASecondMountIsNeverCached() throws Exception {
        Path shared = java.nio.file.Files.createTempDirectory(Path.of("/var/tmp"), "palisade-two-mounts");
        java.nio.file.Files.writeString(shared.resolve("data"), "d\n");
        java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> twoBinds = config -> {
            for (String at : List.of("/opt/a", "/opt/b")) {
                com.fasterxml.jackson.databind.node.ObjectNode m = config.withArrayProperty("mounts").addObject();
                m.put("destination", at).put("type", "bind").put("source", shared.toString());
                m.putArray("options").add("bind").add("ro");
            }
        };
        List<Policy> secret = PolicyLoader.loadText("block.yaml", BLOCK_SECRET).policies();
        try (RuncContainer a = RuncContainer.builder().configure(twoBinds).start();
             FanotifyEnforcer enforcer = new FanotifyEnforcer(e -> { }, false)) {
            ContainerInfo ca = info(a);
            enforcer.apply(new ProtectedWorkload(ca, compile(ca, secret, Posture.BLOCK)));
            for (String file : List.of("/opt/a/data", "/usr/lib/os-release")) {
                assertTrue(decidedWhenReadAgain(a, enforcer, file) >= 200, "every open of " + file + " is decided: its "
                        + "disk is seen through /usr, /opt/a and /opt/b");
            }
            assertEquals(0, enforcer.failures());
        } finally {
            java.nio.file.Files.deleteIfExists(shared.resolve("data"));
            java.nio.file.Files.deleteIfExists(shared);
        }
    }

    /**
     * An open that no rule and no posture can deny (least-permissive file rules under audit posture) is answered
     * before it is judged: its report is still made, from the same rules, but the opening task does not wait for it.
     * Shown by a report that does not return until the test lets it.
     */
    @Test
    void anOpenNoRuleCanDenyIsAnsweredBeforeItIsJudged() throws Exception {
        List<Policy> policies = PolicyLoader.loadText("allow.yaml", ALLOW_HOSTNAME).policies();
        java.util.concurrent.CountDownLatch reported = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<EnforcementEvent> events = new CopyOnWriteArrayList<>();
        java.util.function.Consumer<EnforcementEvent> heldReport = e -> {
            events.add(e);
            if (!e.resource().equals("/etc/secret")) return;
            reported.countDown();
            try {
                release.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        };
        try (RuncContainer a = RuncContainer.builder().rootfsFile("/etc/secret", "s3cret\n", 0644).start();
             FanotifyEnforcer enforcer = new FanotifyEnforcer(heldReport, false)) {
            ContainerInfo ca = info(a);
            try {
                enforcer.apply(new ProtectedWorkload(ca, compile(ca, policies, Posture.AUDIT)));
                Process read = a.execAsync("/bin/bash", "-c", "read x < /etc/secret && echo $x");
                assertTrue(reported.await(10, java.util.concurrent.TimeUnit.SECONDS), "the open of /etc/secret is reported");
                // the reader is held in that report now; the open it reports was let go before
                assertTrue(read.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), () -> "the open waited for its report: " + describe(events) + heldTasks(a));
                assertEquals("s3cret", new String(read.getInputStream().readAllBytes()).strip());
                assertEquals(0, read.exitValue());
            } finally {
                release.countDown();
            }
            EnforcementEvent open = events.stream().filter(e -> e.resource().equals("/etc/secret")).findFirst().orElseThrow();
            assertEquals(OperationClass.FILE, open.operation());
            assertEquals("DefaultPosture", open.verdict().policyName());
            assertEquals("Audit", open.verdict().actionText());
            assertEquals("Passed", open.result());
            assertEquals(a.cgroupId(), open.cgroupId());
            assertEquals(0, enforcer.failures());
        }
    }

    /**
     * Protection applied while a container keeps executing an allowed dynamic program: an exec the kernel had begun
     * before the marks (the binary opened unmarked, its ELF loader opened marked) is still that allowed program, not an
     * exec of ld.so. The window is microseconds wide, so protection is applied and lifted many times.
     */
    @Test
    void protectionAppliedDuringAnExecNeverDeniesAnAllowedProgram() throws Exception {
        List<Policy> policies = new java.util.ArrayList<>(PolicyLoader.load(List.of(Path.of(SEED_DIR))).policies());
        policies.addAll(PolicyLoader.loadText("true.yaml", """
                apiVersion: security.kubearmor.com/v1
                kind: KubeArmorPolicy
                metadata: {name: allow-true, namespace: default}
                spec:
                  selector: {matchLabels: {app: nginx}}
                  process:
                    matchPaths:
                    - path: /usr/bin/true
                  action: Allow
                """).policies());
        List<EnforcementEvent> events = new CopyOnWriteArrayList<>();
        try (RuncContainer a = RuncContainer.builder().start();
             FanotifyEnforcer enforcer = new FanotifyEnforcer(events::add, false)) {
            ContainerInfo ca = info(a);
            RuleSet rules = compile(ca, policies, Posture.BLOCK);
            Process loop = a.execAsync("/bin/bash", "-c",
                    "f=0; n=0; while [ ! -e /tmp/stop ]; do /usr/bin/true || f=$((f+1)); n=$((n+1)); done; echo $n $f");
            java.util.Random random = new java.util.Random(7);
            for (int round = 0; round < 150; round++) {
                enforcer.apply(new ProtectedWorkload(ca, rules));
                Thread.sleep(random.nextInt(8));
                enforcer.remove(ca);
                Thread.sleep(random.nextInt(3));
            }
            java.nio.file.Files.writeString(Path.of("/proc/" + a.initPid() + "/root/tmp/stop"), "");
            assertTrue(loop.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), () -> "the loop did not stop" + heldTasks(a)
                    + readerStacks() + describe(events));
            String[] counts = new String(loop.getInputStream().readAllBytes()).strip().split(" ");
            assertTrue(Integer.parseInt(counts[0]) > 50, "the loop ran: " + String.join(" ", counts));
            assertEquals("0", counts[1], () -> "allowed execs failed: " + String.join(" ", counts) + describe(events));
            assertTrue(events.stream().noneMatch(e -> e.verdict().denied()), () -> describe(events));
            assertEquals(0, enforcer.failures());
        }
    }

    static String describe(List<EnforcementEvent> events) {
        StringBuilder b = new StringBuilder();
        for (EnforcementEvent e : events) {
            b.append("\n  ").append(e.operation()).append(' ').append(e.resource()).append(" by ").append(e.source())
                    .append(" -> ").append(e.verdict().actionText()).append(' ').append(e.verdict().policyName())
                    .append(' ').append(e.result());
        }
        return b.toString();
    }

    @Test
    void aKilledAgentLeavesNothingHung() throws Exception {
        try (RuncContainer a = RuncContainer.builder().start()) {
            String javaBin = ProcessHandle.current().info().command().orElseThrow();
            Process agent = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), HoldingAgent.class.getName(), Long.toString(a.initPid()),
                    Long.toString(a.cgroupId()), a.cgroupV2Path().toString(), a.id())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
            try {
                java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(agent.getInputStream()));
                String line;
                while ((line = out.readLine()) != null && !line.equals("READY")) { /* wait for the marks */ }
                assertEquals("READY", line);
                Process slow = a.execAsync("/bin/cat", "/etc/hostname");
                Thread.sleep(300);
                assertTrue(slow.isAlive(), "the agent holds the open unanswered");
                agent.destroyForcibly().waitFor();
                assertTrue(slow.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "pending events are released");
                assertEquals(0, slow.exitValue());
                assertTrue(a.exec("/usr/bin/id").ok(), "and nothing stays marked");
            } finally {
                agent.destroyForcibly();
            }
        }
    }

    @Test
    void refusesToMarkATaskOfTheAgentsOwnMountNamespace() {
        try (FanotifyEnforcer enforcer = new FanotifyEnforcer(e -> { }, false)) {
            int self = (int) ProcessHandle.current().pid();
            ContainerInfo host = new ContainerInfo("not-a-container", "x", "", "default", "", "", Map.of("app", "nginx"), null, 1, "/",
                    self, "/proc/" + self + "/root");
            RuleSet rules = compile(host, PolicyLoader.load(List.of(Path.of(SEED_DIR))).policies().stream()
                    .map(p -> p).toList(), Posture.BLOCK);
            var e = org.junit.jupiter.api.Assertions.assertThrows(dev.palisade.kernel.enforce.EnforcementException.class,
                    () -> enforcer.apply(new ProtectedWorkload(host, rules)));
            assertTrue(e.getMessage().contains("shares the agent's mount namespace"), e.getMessage());
            assertFalse(rules.rules().isEmpty());
        }
    }
}
