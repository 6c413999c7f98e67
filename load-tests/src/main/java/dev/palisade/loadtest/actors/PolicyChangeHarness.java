package dev.palisade.loadtest.actors;

import ch.qos.logback.classic.Level;
import com.typesafe.config.ConfigFactory;
import dev.palisade.actors.MonitorVisibility;
import dev.palisade.actors.Node;
import dev.palisade.actors.NodeGuardian;
import dev.palisade.actors.NodeSettings;
import dev.palisade.actors.discovery.ContainerIdentities;
import dev.palisade.actors.discovery.RuntimeContainer;
import dev.palisade.kernel.enforce.Enforcer;
import dev.palisade.kernel.enforce.EnforcerKind;
import dev.palisade.policy.Policy;
import dev.palisade.policy.compile.PathAliases;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.RuleSetCompiler;
import dev.palisade.policy.compile.Scope;
import dev.palisade.policy.select.PolicySelector;
import dev.palisade.workload.ContainerInfo;
import dev.palisade.workload.ProtectedWorkload;
import dev.palisade.workload.WorkloadSnapshot;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.LoggerFactory;

/**
 * From a policy change to every affected container's new rule set published (enforcer first, then the view),
 * with a node of {@code containers} containers and {@code policies} policies, through the real guardian and
 * container actors. The enforcer is an in-memory map (the kernel boundary; real enforcers add their own cost).
 *
 * <p>Three kinds of change: one namespaced policy (selects 2 containers), a cluster policy over one namespace,
 * a cluster policy over every namespace (every container recompiles). For each: latency percentiles, and the
 * ratio to a baseline measured in the same run: compiling the same affected rule sets one after the other on
 * one thread, the work no design can skip. Also the heap each protected container costs.
 *
 * <p>Run: {@code load-tests/actors-bench [containers] [policies] [narrow-iterations]} (defaults 1000 1000 2000).
 */
public final class PolicyChangeHarness {
    private static final int NAMESPACES = 10;

    /** The kernel boundary: holds what it is told, like an enforcer's maps. */
    static final class MapEnforcer implements Enforcer {
        final Map<Long, ProtectedWorkload> applied = new ConcurrentHashMap<>();

        @Override
        public EnforcerKind kind() {
            return EnforcerKind.AUDIT_ONLY;
        }

        @Override
        public void apply(ProtectedWorkload w) {
            applied.put(w.container().cgroupId(), w);
        }

        @Override
        public void remove(ContainerInfo c) {
            applied.remove(c.cgroupId());
        }

        @Override
        public void applyHost(dev.palisade.policy.compile.RuleSet rules) {}

        @Override
        public void close() {}
    }

    public static void main(String[] args) throws Exception {
        int containerCount = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int policyCount = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int narrowIterations = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.palisade")).setLevel(Level.WARN);
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.apache.pekko")).setLevel(Level.WARN);

        int perNamespace = policyCount / NAMESPACES;
        System.out.printf("actors benchmark: %d containers, %d policies (%d namespaces), %d cores, JDK %s%n",
                containerCount, perNamespace * NAMESPACES, NAMESPACES, Runtime.getRuntime().availableProcessors(),
                Runtime.version());
        List<Policy> policies = SyntheticWorkloads.namespacedPolicies(NAMESPACES, perNamespace);
        List<RuntimeContainer> containers = IntStream.range(0, containerCount)
                .mapToObj(i -> SyntheticWorkloads.container(i, NAMESPACES)).toList();
        Map<Long, ContainerInfo> infos = new HashMap<>();
        for (RuntimeContainer c : containers) infos.put(c.cgroupId(), ContainerIdentities.of(c));

        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "actors-bench",
                ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
        NodeSettings settings = NodeSettings.from(ConfigFactory.parseString("palisade.node-name = bench")
                .withFallback(ConfigFactory.load()).resolve());
        MapEnforcer enforcer = new MapEnforcer();
        Node node = Node.startWithoutSources(system, settings, enforcer, MonitorVisibility.NONE, m -> { });
        try {
            long heapBefore = usedHeapAfterGc();
            long t0 = System.nanoTime();
            node.guardian().tell(new NodeGuardian.PoliciesReplaced(policies));
            for (RuntimeContainer c : containers) node.guardian().tell(new NodeGuardian.ContainerStarted(c));
            node.guardian().tell(new NodeGuardian.SourcesSynced());
            node.guardian().tell(new NodeGuardian.InitialScanDone());
            node.ready().toCompletableFuture().get(120, TimeUnit.SECONDS);
            long startMs = (System.nanoTime() - t0) / 1_000_000;
            long heapAfter = usedHeapAfterGc();
            int rules = node.view().current().all().values().stream().mapToInt(w -> w.rules().rules().size()).sum();
            System.out.printf("initial state: %d containers in force in %d ms (%d compiled rules in all, %.1f per container)%n",
                    node.view().current().all().size(), startMs, rules, rules / (double) containerCount);
            System.out.printf("heap per protected container: %.1f KiB (%d KiB for %d containers, guardian + actor + "
                    + "compiled rule set + view entry)%n", (heapAfter - heapBefore) / 1024.0 / containerCount,
                    (heapAfter - heapBefore) / 1024, containerCount);

            Random rnd = new Random(7);
            Scenario narrow = new Scenario("one namespaced policy", i -> {
                int ns = rnd.nextInt(NAMESPACES), j = rnd.nextInt(perNamespace);
                return SyntheticWorkloads.parse(SyntheticWorkloads.namespacedYaml(ns, j, 1 + i));
            });
            List<String> all = IntStream.range(0, NAMESPACES).mapToObj(SyntheticWorkloads::namespace).toList();
            Scenario namespace = new Scenario("cluster policy, one namespace", i -> SyntheticWorkloads.parse(
                    SyntheticWorkloads.clusterYaml("one-ns", List.of(SyntheticWorkloads.namespace(i % NAMESPACES)), i)));
            Scenario everything = new Scenario("cluster policy, every namespace", i -> SyntheticWorkloads.parse(
                    SyntheticWorkloads.clusterYaml("all-ns", all, i)));

            Map<String, Policy> inForce = new HashMap<>();
            for (Policy p : policies) inForce.put(p.key(), p);
            System.out.println();
            System.out.println("policy change -> every affected snapshot published (enforcer, then view)");
            System.out.printf("%-34s %8s %9s %8s %8s %8s %8s %10s %8s %9s %8s%n", "change", "changes", "affected", "p50 ms",
                    "p90 ms", "p99 ms", "max ms", "compile ms", "p50/base", "snapshots", "gc ms");
            narrow.run(node, enforcer, infos, inForce, Math.max(50, narrowIterations / 5), false);
            narrow.run(node, enforcer, infos, inForce, narrowIterations, true);
            namespace.run(node, enforcer, infos, inForce, 50, false);
            namespace.run(node, enforcer, infos, inForce, 300, true);
            everything.run(node, enforcer, infos, inForce, 10, false);
            everything.run(node, enforcer, infos, inForce, 100, true);
            System.out.println();
            System.out.println("target: p99 <= 50 ms for a policy change (row 1); compile ms = the same rule sets compiled"
                    + " back to back on one thread, median; p50/base = median latency over that baseline.");
        } finally {
            node.close();
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** One kind of change, repeated; each change produces a new version of one policy. */
    static final class Scenario {
        final String name;
        final java.util.function.IntFunction<Policy> next;
        int version;

        Scenario(String name, java.util.function.IntFunction<Policy> next) {
            this.name = name;
            this.next = next;
        }

        /** @param inForce every policy by key, as the guardian has it (updated here with each change) */
        void run(Node node, MapEnforcer enforcer, Map<Long, ContainerInfo> infos, Map<String, Policy> inForce,
                 int iterations, boolean print) {
            long[] latency = new long[iterations];
            long[] baseline = new long[iterations];
            long affectedTotal = 0, snapshots = 0;
            List<Long> lastAffected = List.of();
            long gcBefore = gcMillis();
            for (int i = 0; i < iterations; i++) {
                Policy p = next.apply(version++);
                WorkloadSnapshot before = node.view().current();
                List<Long> affected = new ArrayList<>();
                for (var e : infos.entrySet()) {
                    ProtectedWorkload w = before.byCgroupId(e.getKey());
                    boolean had = w.rules().policies().contains(p.key());
                    if (had || PolicySelector.selects(p, e.getValue().identity())) affected.add(e.getKey());
                }
                affectedTotal += affected.size();
                inForce.put(p.key(), p);
                long t0 = System.nanoTime();
                node.guardian().tell(new NodeGuardian.PolicyUpserted(p));
                for (Long cg : affected) {
                    // 100 us between looks: finer polling would take a core from the two the node has.
                    while (node.view().current().byCgroupId(cg) == before.byCgroupId(cg)) LockSupport.parkNanos(100_000);
                }
                latency[i] = System.nanoTime() - t0;
                snapshots += node.view().current().version() - before.version();
                if (enforcer.applied.get(affected.getFirst()) != node.view().current().byCgroupId(affected.getFirst())) {
                    throw new IllegalStateException("the view shows rules the enforcer does not hold");
                }
                lastAffected = affected;
            }
            // The baseline runs apart from the measured changes: its garbage must not land in their GC pauses.
            for (int i = 0; i < iterations; i++) baseline[i] = compileBaseline(node.view().current(), lastAffected, inForce);
            if (!print) return;
            long gc = gcMillis() - gcBefore;
            Arrays.sort(latency);
            Arrays.sort(baseline);
            double p50 = pct(latency, 0.50);
            System.out.printf("%-34s %8d %9.0f %8.2f %8.2f %8.2f %8.2f %10.2f %8.1f %9.1f %8.2f%n", name, iterations,
                    affectedTotal / (double) iterations, p50, pct(latency, 0.90), pct(latency, 0.99),
                    latency[latency.length - 1] / 1e6, pct(baseline, 0.50), p50 / pct(baseline, 0.50),
                    snapshots / (double) iterations, gc / (double) iterations);
        }

        /** The irreducible work: compile each affected container's policies, sequentially. */
        private static long compileBaseline(WorkloadSnapshot now, List<Long> affected, Map<String, Policy> inForce) {
            List<List<Policy>> inputs = new ArrayList<>();
            List<Posture> postures = new ArrayList<>();
            for (Long cg : affected) {
                ProtectedWorkload w = now.byCgroupId(cg);
                inputs.add(w.rules().policies().stream().map(inForce::get).toList());
                postures.add(w.rules().posture());
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < inputs.size(); i++) {
                RuleSetCompiler.compile(Scope.CONTAINER, inputs.get(i), postures.get(i), PathAliases.NONE);
            }
            return System.nanoTime() - t0;
        }
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(b -> Math.max(0, b.getCollectionTime())).sum();
    }

    private static double pct(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        var mem = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
