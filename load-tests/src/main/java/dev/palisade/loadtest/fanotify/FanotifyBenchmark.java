package dev.palisade.loadtest.fanotify;

import dev.palisade.kernel.fanotify.FanotifyEnforcer;
import dev.palisade.policy.Policy;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.RootfsAliases;
import dev.palisade.policy.compile.RuleSetCompiler;
import dev.palisade.policy.compile.Scope;
import dev.palisade.policy.load.PolicyLoader;
import dev.palisade.testing.containers.ExecResult;
import dev.palisade.testing.containers.RuncContainer;
import dev.palisade.workload.ContainerInfo;
import dev.palisade.workload.ProtectedWorkload;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What fanotify enforcement adds to an open and to an exec inside a real runc container: the same static workload
 * (open_loop, exec_loop, built here with gcc) run with no enforcer, under Palisade's Java {@link FanotifyEnforcer}
 * (rules that allow everything the workload does, so every event is decided and allowed) twice — as the agent runs
 * it, with allowed opens cached by ignore marks, and with that cache off, so every open is an event decided in Java —
 * and under a minimal C responder marking the same mounts with the same mask and allowing everything: interleaved
 * rounds, medians. The uncached figure against C is the cost of a decision; the cached one is the steady state.
 *
 * <p>Usage: {@code load-tests/fanotify-bench [rounds] [opens per round] [execs per round]}.
 */
public final class FanotifyBenchmark {
    static final String ALLOW_ALL = """
            apiVersion: security.kubearmor.com/v1
            kind: KubeArmorPolicy
            metadata: {name: allow-everything, namespace: default}
            spec:
              selector: {matchLabels: {app: bench}}
              process:
                matchDirectories: [{dir: /, recursive: true}]
              file:
                matchDirectories: [{dir: /, recursive: true}]
              action: Allow
            """;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int opens = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int execs = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        Path repo = Path.of(System.getProperty("palisade.repo", ".")).toAbsolutePath();
        Path build = Files.createDirectories(repo.resolve("load-tests/target/fanotify-bench"));
        for (String p : List.of("fan_responder", "open_loop", "exec_loop")) gcc(repo.resolve("load-tests/src/main/c/" + p + ".c"), build.resolve(p));

        List<Policy> policies = PolicyLoader.loadText("allow-everything.yaml", ALLOW_ALL).policies();
        try (RuncContainer c = RuncContainer.builder().start();
             FanotifyEnforcer enforcer = new FanotifyEnforcer(e -> { }, false, true);
             FanotifyEnforcer uncached = new FanotifyEnforcer(e -> { }, false, false)) {
            for (String p : List.of("open_loop", "exec_loop")) {
                Path target = c.rootfs().resolve(p);
                Files.copy(build.resolve(p), target);
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            ContainerInfo info = new ContainerInfo(c.id(), "bench", "", "default", "bench-1", "", Map.of("app", "bench"), null,
                    c.cgroupId(), c.cgroupV2Path().toString(), (int) c.initPid(), "/proc/" + c.initPid() + "/root");
            ProtectedWorkload workload = new ProtectedWorkload(info, RuleSetCompiler.compile(Scope.CONTAINER, policies,
                    Posture.BLOCK, new RootfsAliases(Path.of(info.rootfs()))));

            // warm-up: JIT for the Java responders, caches for everyone
            for (int i = 0; i < 2; i++) {
                for (FanotifyEnforcer e : List.of(enforcer, uncached)) {
                    e.apply(workload);
                    run(c, "/open_loop", "/etc/hostname", opens);
                    // enough execs for the JIT to compile the exec path too (about five events each), not only the open path
                    run(c, "/exec_loop", "/usr/bin/true", Math.max(execs, 3000));
                    e.remove(info);
                }
            }
            enforcer.apply(workload);
            List<String> command = new ArrayList<>(List.of(build.resolve("fan_responder").toString()));
            command.addAll(enforcer.marks(info)); // the C responder marks the very mounts the Java enforcer does
            enforcer.remove(info);
            List<Double> openNone = new ArrayList<>(), openJava = new ArrayList<>(), openEach = new ArrayList<>(), openC = new ArrayList<>();
            double eventsPerExec = 0;
            List<Double> execNone = new ArrayList<>(), execJava = new ArrayList<>(), execC = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                openNone.add(run(c, "/open_loop", "/etc/hostname", opens));
                execNone.add(run(c, "/exec_loop", "/usr/bin/true", execs));
                enforcer.apply(workload);
                openJava.add(run(c, "/open_loop", "/etc/hostname", opens));
                long decidedBefore = enforcer.decided(), foreignBefore = enforcer.foreign();
                execJava.add(run(c, "/exec_loop", "/usr/bin/true", execs));
                eventsPerExec = (enforcer.decided() - decidedBefore + enforcer.foreign() - foreignBefore) / (double) execs;
                enforcer.remove(info);
                uncached.apply(workload);
                openEach.add(run(c, "/open_loop", "/etc/hostname", opens));
                uncached.remove(info);
                Process responder = new ProcessBuilder(command)
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                try {
                    String ready = new BufferedReader(new InputStreamReader(responder.getInputStream())).readLine();
                    if (!"ready".equals(ready)) throw new IllegalStateException("the C responder did not start");
                    openC.add(run(c, "/open_loop", "/etc/hostname", opens));
                    execC.add(run(c, "/exec_loop", "/usr/bin/true", execs));
                } finally {
                    responder.getOutputStream().close(); // its stdin closes: it stops (and its mark goes with its fd)
                    if (!responder.waitFor(10, TimeUnit.SECONDS)) responder.destroyForcibly().waitFor();
                }
                System.out.printf("round %d: open ns none %.0f java %.0f java-uncached %.0f c %.0f | exec ns none %.0f java %.0f c %.0f%n",
                        r + 1, openNone.getLast(), openJava.getLast(), openEach.getLast(), openC.getLast(), execNone.getLast(),
                        execJava.getLast(), execC.getLast());
            }
            report("open (repeated, allowed)", openNone, openJava, openC, opens);
            report("open, cache off", openNone, openEach, openC, opens);
            report("exec (/usr/bin/true, allowed)", execNone, execJava, execC, execs);
            System.out.printf("Java decisions per exec (last round): %.1f%n", eventsPerExec);
            System.out.println("targets: Java added time <= 1.2 x C's; <= 2000 ns added per repeated allowed open in steady state");
        }
    }

    /**
     * Medians over the rounds, and the median of each round's own ratio: the machine's speed drifts between rounds,
     * and a round's three runs are back to back.
     */
    static void report(String what, List<Double> noneRounds, List<Double> javaRounds, List<Double> cRounds, int n) {
        double none = median(noneRounds), java = median(javaRounds), c = median(cRounds);
        double addedJava = java - none, addedC = c - none;
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < noneRounds.size(); r++) {
            ratios.add((javaRounds.get(r) - noneRounds.get(r)) / (cRounds.get(r) - noneRounds.get(r)));
        }
        System.out.printf("%-30s per op: none %8.0f ns, Java %8.0f ns (+%.0f), C %8.0f ns (+%.0f); added Java/C = %.2f, "
                        + "per round %.2f (%d ops per round)%n",
                what, none, java, addedJava, c, addedC, addedJava / addedC, median(ratios), n);
    }

    /** Runs the workload in the container; its own clock's nanoseconds per operation. */
    static double run(RuncContainer c, String program, String arg, int n) {
        ExecResult r = c.exec(Duration.ofMinutes(5), program, arg, Integer.toString(n));
        if (r.exitCode() != 0) throw new IllegalStateException(program + " failed: " + r);
        return Long.parseLong(r.stdout().strip()) / (double) n;
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    static void gcc(Path source, Path binary) throws Exception {
        Process gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-static", "-o", binary.toString(), source.toString())
                .redirectErrorStream(true).start();
        String out = new String(gcc.getInputStream().readAllBytes());
        if (gcc.waitFor() != 0) throw new IllegalStateException("gcc failed (Debian package gcc, libc6-dev):\n" + out);
    }
}
