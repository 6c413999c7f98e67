package dev.palisade.loadtest.policy;

import dev.palisade.policy.compile.CompiledRule;
import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.compile.ResourceKind;
import dev.palisade.policy.compile.RuleAction;
import dev.palisade.policy.compile.Verdict;
import dev.palisade.policy.match.Matcher;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decisions per second of one container's matcher, single thread, for 10, 1 000 and 100 000 rules. The queries
 * are the same mix at every size: a third exact hits, a third under a directory rule, a third misses, files and
 * execs, 3–10 components deep. Run with {@code -prof gc} to see bytes allocated per decision.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class MatcherBenchmark {
    @Param({"10", "1000", "100000"})
    int rules;

    private Matcher matcher;
    private String[] paths;
    private String[] sources;
    private boolean[] exec;
    private int i;

    @Setup(Level.Trial)
    public void setUp() {
        List<CompiledRule> list = SyntheticRules.generate(rules, 42);
        Map<OperationClass, Verdict> misses = new EnumMap<>(OperationClass.class);
        Verdict block = new Verdict(RuleAction.BLOCK, true, true, false, "DefaultPosture", "", "", List.of(), "", "MatchedPolicy", "");
        for (OperationClass c : OperationClass.values()) misses.put(c, block);
        matcher = new Matcher(list, misses);
        // The same query mix at every size: hits drawn from a fixed 10-rule prefix generated alike, plus misses.
        List<CompiledRule> pool = SyntheticRules.generate(Math.min(rules, 1000), 42);
        Random rnd = new Random(7);
        int n = 4096;
        paths = new String[n];
        sources = new String[n];
        exec = new boolean[n];
        for (int q = 0; q < n; q++) {
            CompiledRule r = pool.get(rnd.nextInt(pool.size()));
            int kind = q % 3;
            if (kind == 0 && r.kind() != ResourceKind.DIRECTORY && r.kind() != ResourceKind.EXEC_NAME) {
                paths[q] = r.resource();
            } else if (kind == 1 && r.kind() == ResourceKind.DIRECTORY) {
                paths[q] = r.resource() + "sub/file.conf";
            } else {
                paths[q] = SyntheticRules.path(rnd, 3, 10);
            }
            exec[q] = r.operation() == OperationClass.PROCESS;
            sources[q] = rnd.nextInt(10) == 0 ? "/usr/bin/app" + rnd.nextInt(5) : "/usr/bin/bash";
        }
    }

    @Benchmark
    public Verdict decide() {
        int q = i++ & 4095;
        return exec[q]
                ? matcher.process(paths[q], sources[q], false, 1000, 1000, null)
                : matcher.file(paths[q], sources[q], false, false, 1000, 1000);
    }
}
