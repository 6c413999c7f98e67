package dev.palisade.kernel.lsm;

import dev.palisade.kernel.enforce.EnforcementEvent;
import dev.palisade.policy.compile.PathAliases;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.RuleSet;
import dev.palisade.policy.compile.RuleSetCompiler;
import dev.palisade.policy.compile.Scope;
import dev.palisade.policy.load.PolicyLoader;
import dev.palisade.workload.ContainerInfo;
import dev.palisade.workload.ProtectedWorkload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Runs inside the nested VM (BpfLsmEnforcerVmTest): loads the BPF-LSM enforcer, protects a cgroup of its own with
 * two policies, runs commands inside and outside that cgroup, and prints what happened as "@@ key=value" lines.
 */
public final class LsmGuestMain {
    static final String POLICIES = """
            apiVersion: security.kubearmor.com/v1
            kind: KubeArmorPolicy
            metadata: {name: allow-usr, namespace: default}
            spec:
              selector: {matchLabels: {app: lsm}}
              process:
                matchDirectories:
                - {dir: /usr/, recursive: true}
              action: Allow
            ---
            apiVersion: security.kubearmor.com/v1
            kind: KubeArmorPolicy
            metadata: {name: block-id-and-secret, namespace: default}
            spec:
              selector: {matchLabels: {app: lsm}}
              process:
                matchPaths: [{path: /usr/bin/id}]
              file:
                matchPaths: [{path: /run/lsm-secret.txt}]
              action: Block
            """;

    public static void main(String[] args) throws Exception {
        Path cgroup = Path.of("/sys/fs/cgroup/unified/palisade-lsm-test");
        Files.createDirectories(cgroup);
        long cgroupId = (Long) Files.getAttribute(cgroup, "unix:ino");
        Files.writeString(Path.of("/run/lsm-secret.txt"), "secret\n");
        Path copy = Files.copy(Path.of("/usr/bin/true"), Path.of("/run/lsm-true"));
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));

        PolicyLoader.Result loaded = PolicyLoader.loadText("lsm-test.yaml", POLICIES);
        if (loaded.hasErrors()) throw new IllegalStateException(loaded.problems().toString());
        RuleSet rules = RuleSetCompiler.compile(Scope.CONTAINER, loaded.policies(), Posture.BLOCK, PathAliases.NONE);
        ContainerInfo container = new ContainerInfo("lsm-test-container", "lsm", "", "default", "lsm-pod", "",
                Map.of("app", "lsm"), null, cgroupId, cgroup.toString(), 0, "/");

        List<EnforcementEvent> events = new CopyOnWriteArrayList<>();
        long t0 = System.nanoTime();
        try (BpfLsmEnforcer enforcer = BpfLsmEnforcer.start(events::add)) {
            say("hooks", String.join(",", enforcer.hooks()));
            say("load-ms", Long.toString((System.nanoTime() - t0) / 1_000_000));
            enforcer.apply(new ProtectedWorkload(container, rules));
            for (String where : List.of("in", "out")) {
                Path in = where.equals("in") ? cgroup : null;
                say(where + ".true", run(in, "/usr/bin/true"));
                say(where + ".id", run(in, "/usr/bin/id -u"));
                say(where + ".copy", run(in, "/run/lsm-true"));
                say(where + ".secret", run(in, "/usr/bin/cat /run/lsm-secret.txt"));
                say(where + ".hostname", run(in, "/usr/bin/cat /etc/hostname"));
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (events.size() < 3 && System.nanoTime() < until) Thread.sleep(20);
            for (EnforcementEvent e : events) {
                say("event", e.operation() + "|" + e.resource() + "|" + e.source() + "|" + e.verdict().policyName() + "|"
                        + e.verdict().actionText() + "|" + e.result() + "|" + (e.cgroupId() == cgroupId));
            }
            enforcer.remove(container);
            say("removed.id", run(cgroup, "/usr/bin/id -u"));
            say("undecodable", Long.toString(enforcer.undecodable()));
        }
        say("closed.copy", run(cgroup, "/run/lsm-true"));
        Files.delete(cgroup);
        say("done", "yes");
    }

    /** Runs a command in the cgroup (the shell moves itself in, then execs it) or outside; "exit:stderr". */
    static String run(Path cgroup, String command) throws Exception {
        String script = (cgroup == null ? "" : "echo $$ > " + cgroup.resolve("cgroup.procs") + " && ") + "exec " + command;
        Process p = new ProcessBuilder("/bin/sh", "-c", script).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip().replace('\n', ' ');
        p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timeout";
        }
        return p.exitValue() + ":" + err;
    }

    static void say(String key, String value) {
        System.out.println("@@ " + key + "=" + value);
        System.out.flush();
    }
}
