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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What fanotify enforcement adds to an open and to an exec inside a real runc container: the same static workloads
 * (open_loop; exec_loop running the dynamic /usr/bin/true, five events an exec, and a static program without libc, two; built
 * here with gcc) run with no enforcer, under Palisade's Java {@link FanotifyEnforcer} (rules that allow everything the
 * workload does, so every event is decided and allowed) twice — as the agent runs it (allowed opens cached by ignore
 * marks, repeated execs decided by their file's identity) and with both off, so every event is decided from its path —
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
        List<Placement> placements = args.length > 3
                ? java.util.Arrays.stream(args[3].split(",")).map(p -> Placement.valueOf(p.strip().toUpperCase().replace('-', '_'))).toList()
                : List.of(Placement.values());
        Path repo = Path.of(System.getProperty("palisade.repo", ".")).toAbsolutePath();
        Path build = Files.createDirectories(repo.resolve("load-tests/target/fanotify-bench"));
        for (String p : List.of("fan_responder", "open_loop", "exec_loop")) gcc(repo.resolve("load-tests/src/main/c/" + p + ".c"), build.resolve(p));
        gcc(repo.resolve("load-tests/src/main/c/exit_zero.c"), build.resolve("exit_zero"), "-nostdlib", "-fno-pie", "-no-pie");

        List<Policy> policies = PolicyLoader.loadText("allow-everything.yaml", ALLOW_ALL).policies();
        try (RuncContainer c = RuncContainer.builder().start();
             FanotifyEnforcer enforcer = new FanotifyEnforcer(e -> { }, false, true);
             FanotifyEnforcer uncached = new FanotifyEnforcer(e -> { }, false, false)) {
            for (String p : List.of("open_loop", "exec_loop", "exit_zero")) {
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
                    // enough execs for the JIT to compile the exec path too, not only the open path
                    for (Workload w : Workload.values()) w.run(c, Placement.FREE, opens, Math.max(execs, 3000));
                    e.remove(info);
                }
            }
            enforcer.apply(workload);
            List<String> command = new ArrayList<>(List.of(build.resolve("fan_responder").toString()));
            command.addAll(enforcer.marks(info)); // the C responder marks the very mounts the Java enforcer does
            enforcer.remove(info);
            Bench bench = new Bench(c, info, workload, enforcer, uncached, command, opens, execs);
            for (Placement placement : placements) {
                if (placement != Placement.FREE && Runtime.getRuntime().availableProcessors() < 2) {
                    System.out.println(placement.label + ": skipped, one CPU");
                    continue;
                }
                bench.measure(placement, rounds);
            }
            System.out.println("targets: Java added time <= 1.2 x C's; <= 2000 ns added per repeated allowed open in steady state");
        }
    }

    /**
     * Where the workload and the task answering its events run. A permission event's round trip is two wake-ups (the
     * responder, then the opener), and what a wake-up costs depends on where the two tasks are: on one CPU it is a
     * context switch; across CPUs of a virtual machine it is an interrupt to a halted vCPU, several times dearer. Left
     * free, the scheduler settles on one or the other for seconds at a time, for either responder, which is most of
     * the run-to-run spread of the ratio; pinned, each is measured on its own.
     */
    enum Placement {
        FREE("unpinned", -1, -1), SAME_CPU("workload and responder on CPU 0", 0, 0),
        OTHER_CPU("workload on CPU 0, responder on CPU 1", 0, 1);

        final String label;
        final int workloadCpu, responderCpu;

        Placement(String label, int workloadCpu, int responderCpu) {
            this.label = label;
            this.workloadCpu = workloadCpu;
            this.responderCpu = responderCpu;
        }
    }

    /** What answers the container's permission events during a run. */
    enum Setup {
        NONE("none"), JAVA("java"), JAVA_UNCACHED("java-uncached"), C("c"), C_PATH("c-path");

        final String label;

        Setup(String label) {
            this.label = label;
        }
    }

    /** The container, the two Java enforcers and the C responder's command line; measures one placement at a time. */
    record Bench(RuncContainer c, ContainerInfo info, ProtectedWorkload workload, FanotifyEnforcer enforcer,
                 FanotifyEnforcer uncached, List<String> responderCommand, int opens, int execs) {

        void measure(Placement placement, int rounds) throws Exception {
            pinReaders(placement.responderCpu);
            Map<Workload, Map<Setup, List<Timing>>> runs = new EnumMap<>(Workload.class);
            for (Workload w : Workload.values()) {
                Map<Setup, List<Timing>> bySetup = new EnumMap<>(Setup.class);
                for (Setup setup : Setup.values()) bySetup.put(setup, new ArrayList<>());
                runs.put(w, bySetup);
            }
            Map<Setup, Map<Workload, String>> decisions = new EnumMap<>(Setup.class);
            Random order = new Random(42);
            System.out.println(placement.label + ":");
            for (int r = 0; r < rounds; r++) {
                // a new order each round: whatever a run leaves behind (warm caches, a busy CPU) favours no one setup
                List<Setup> setups = new ArrayList<>(List.of(Setup.values()));
                Collections.shuffle(setups, order);
                for (Setup setup : setups) {
                    switch (setup) {
                        case NONE -> runAll(placement, setup, runs, null, decisions);
                        case JAVA, JAVA_UNCACHED -> {
                            FanotifyEnforcer e = setup == Setup.JAVA ? enforcer : uncached;
                            e.apply(workload);
                            try {
                                runAll(placement, setup, runs, e, decisions);
                            } finally {
                                e.remove(info);
                            }
                        }
                        case C, C_PATH -> {
                            List<String> command = new ArrayList<>();
                            if (placement.responderCpu >= 0) command.addAll(List.of("taskset", "-c", Integer.toString(placement.responderCpu)));
                            command.add(responderCommand.getFirst());
                            if (setup == Setup.C_PATH) command.add("--path");
                            command.addAll(responderCommand.subList(1, responderCommand.size()));
                            Process responder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                            try {
                                String ready = new BufferedReader(new InputStreamReader(responder.getInputStream())).readLine();
                                if (!"ready".equals(ready)) throw new IllegalStateException("the C responder did not start");
                                runAll(placement, setup, runs, null, decisions);
                            } finally {
                                responder.getOutputStream().close(); // its stdin closes: it stops (its marks go with its fd)
                                if (!responder.waitFor(10, TimeUnit.SECONDS)) responder.destroyForcibly().waitFor();
                            }
                        }
                    }
                }
                StringBuilder line = new StringBuilder("  round " + (r + 1) + " ns per op (mean/median):");
                for (Setup setup : Setup.values()) {
                    line.append(' ').append(setup.label);
                    for (Workload w : Workload.values()) line.append(' ').append(w.label).append(' ').append(runs.get(w).get(setup).getLast());
                    line.append(';');
                }
                System.out.println(line);
            }
            for (boolean medians : new boolean[] {false, true}) {
                System.out.println(medians ? "  median op of each run (what the machine's other tenants move least):"
                        : "  mean op of each run (every op counted):");
                for (Workload w : Workload.values()) {
                    int n = w.count(opens, execs);
                    report(w.title, runs.get(w), Setup.JAVA, Setup.C, n, medians);
                    report(w.title + ", cache off", runs.get(w), Setup.JAVA_UNCACHED, Setup.C, n, medians);
                    report(w.title + ", cache off vs c-path", runs.get(w), Setup.JAVA_UNCACHED, Setup.C_PATH, n, medians);
                }
            }
            decisions.forEach((setup, perWorkload) -> System.out.printf("  events %s decided per operation (last round): %s%n",
                    setup.label, perWorkload));
        }

        /**
         * Each workload once, under whatever answers the container's events now; with a Java enforcer, how many events
         * it decided per operation (the exec workload's vfork and wait raise none).
         */
        void runAll(Placement placement, Setup setup, Map<Workload, Map<Setup, List<Timing>>> runs, FanotifyEnforcer e,
                    Map<Setup, Map<Workload, String>> decisions) {
            for (Workload w : Workload.values()) {
                long before = e == null ? 0 : e.decided() + e.foreign(), recalledBefore = e == null ? 0 : e.recalled();
                int n = w.count(opens, execs);
                runs.get(w).get(setup).add(w.run(c, placement, opens, execs));
                if (e != null) {
                    decisions.computeIfAbsent(setup, s -> new EnumMap<>(Workload.class))
                            .put(w, String.format("%.1f (%.1f by file identity)", (e.decided() + e.foreign() - before) / (double) n,
                                    (e.recalled() - recalledBefore) / (double) n));
                }
            }
        }
    }

    /** What the container does while it is measured: a loop program and what it opens or runs. */
    enum Workload {
        OPEN("open", "open (repeated, allowed)", "/open_loop", "/etc/hostname"),
        EXEC("exec", "exec (/usr/bin/true, dynamic)", "/exec_loop", "/usr/bin/true"),
        EXEC_STATIC("exec-static", "exec (static program)", "/exec_loop", "/exit_zero");

        final String label, title, program, target;

        Workload(String label, String title, String program, String target) {
            this.label = label;
            this.title = title;
            this.program = program;
            this.target = target;
        }

        /** Operations per run: the opens of an open workload, the execs of an exec one. */
        int count(int opens, int execs) {
            return this == OPEN ? opens : execs;
        }

        Timing run(RuncContainer c, Placement placement, int opens, int execs) {
            return FanotifyBenchmark.run(c, placement, program, target, count(opens, execs));
        }
    }

    /**
     * Pins the Java enforcers' reader threads (the threads that answer events; the rest of the JVM stays free) to a
     * CPU, or frees them for -1.
     */
    static void pinReaders(int cpu) throws Exception {
        String cpus = cpu >= 0 ? Integer.toString(cpu) : "0-" + (Runtime.getRuntime().availableProcessors() - 1);
        int pinned = 0;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String comm;
                try {
                    comm = Files.readString(task.resolve("comm")).strip();
                } catch (java.io.IOException gone) {
                    continue;
                }
                if (!"fanotify-enforcer".startsWith(comm) || comm.length() < 8) continue;
                Process taskset = new ProcessBuilder("taskset", "-p", "-c", cpus, task.getFileName().toString())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (taskset.waitFor() != 0) throw new IllegalStateException("taskset of thread " + task + " failed");
                pinned++;
            }
        }
        if (pinned != 2) throw new IllegalStateException("expected the two enforcers' reader threads, found " + pinned);
    }

    /** One run of a workload: its mean and its median nanoseconds per operation. */
    record Timing(double mean, double median) {
        double of(boolean medians) {
            return medians ? median : mean;
        }

        @Override
        public String toString() {
            return String.format("%.0f/%.0f", mean, median);
        }
    }

    /**
     * Medians over the rounds, and the median of each round's own ratio: the machine's speed drifts between rounds,
     * and a round's runs are back to back.
     */
    static void report(String what, Map<Setup, List<Timing>> runs, Setup java, Setup baseline, int n, boolean medians) {
        List<Timing> noneRounds = runs.get(Setup.NONE), javaRounds = runs.get(java), cRounds = runs.get(baseline);
        double none = median(noneRounds, medians), javaOp = median(javaRounds, medians), c = median(cRounds, medians);
        double addedJava = javaOp - none, addedC = c - none;
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < noneRounds.size(); r++) {
            double roundNone = noneRounds.get(r).of(medians);
            ratios.add((javaRounds.get(r).of(medians) - roundNone) / (cRounds.get(r).of(medians) - roundNone));
        }
        Collections.sort(ratios);
        System.out.printf("    %-30s per op: none %8.0f ns, Java %8.0f ns (+%.0f), C %8.0f ns (+%.0f); added Java/C = %.2f, "
                        + "per round %.2f (middle half of the rounds %.2f-%.2f; %d ops per round)%n",
                what, none, javaOp, addedJava, c, addedC, addedJava / addedC, median(ratios),
                ratios.get(ratios.size() / 4), ratios.get((3 * ratios.size()) / 4), n);
    }

    /** Runs the workload in the container; its own clock's nanoseconds per operation. */
    static Timing run(RuncContainer c, Placement placement, String program, String arg, int n) {
        ExecResult r = placement.workloadCpu < 0 ? c.exec(Duration.ofMinutes(5), program, arg, Integer.toString(n))
                : c.exec(Duration.ofMinutes(5), program, arg, Integer.toString(n), Integer.toString(placement.workloadCpu));
        if (r.exitCode() != 0) throw new IllegalStateException(program + " failed: " + r);
        String[] elapsedAndMedian = r.stdout().strip().split(" ");
        return new Timing(Long.parseLong(elapsedAndMedian[0]) / (double) n, Long.parseLong(elapsedAndMedian[1]));
    }

    static double median(List<Timing> runs, boolean medians) {
        return median(runs.stream().map(t -> t.of(medians)).toList());
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    static void gcc(Path source, Path binary, String... flags) throws Exception {
        List<String> command = new ArrayList<>(List.of("gcc", "-O2", "-Wall", "-static"));
        command.addAll(List.of(flags));
        command.addAll(List.of("-o", binary.toString(), source.toString()));
        Process gcc = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(gcc.getInputStream().readAllBytes());
        if (gcc.waitFor() != 0) throw new IllegalStateException("gcc failed (Debian package gcc, libc6-dev):\n" + out);
    }
}
