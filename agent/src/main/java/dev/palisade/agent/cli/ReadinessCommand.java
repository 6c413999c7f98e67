package dev.palisade.agent.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.load.PolicyLoader;
import dev.palisade.policy.load.Problem;
import dev.palisade.policy.readiness.NamespaceVerdict;
import dev.palisade.policy.readiness.ReadinessAnalyzer;
import dev.palisade.policy.readiness.WorkloadReadiness;
import dev.palisade.policy.simulate.LogLines;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code palisade readiness}: is it safe to switch a namespace to block posture now? */
@Command(name = "readiness", mixinStandardHelpOptions = true,
        description = {"Say, per namespace and workload, whether switching to block posture is safe now.",
                "",
                "Replays recorded Log JSON lines (a window of 'palisade logs --json --filter system') against the",
                "policies as if every namespace already had the target posture, and counts what would have been denied.",
                "A namespace is safe when nothing would have been denied over a long enough window with enough events."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every namespace seen is safe", "1:some namespace is not safe yet (or bad input)", "2:bad usage"})
final class ReadinessCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-p", "--policies"}, arity = "1..*", required = true, paramLabel = "PATH", description = "Policies in force or about to be.")
    List<Path> policies;

    @Option(names = {"-e", "--events"}, paramLabel = "FILE", description = "Log JSON lines (default: stdin).")
    Path events;

    @Option(names = "--server", paramLabel = "HOST:PORT",
            description = "Record a running agent's logs from its gRPC service instead of reading --events.")
    String server;

    @Option(names = "--duration", defaultValue = "10m", paramLabel = "DURATION",
            description = "With --server: how long to record (default: ${DEFAULT-VALUE}).")
    String recordFor;

    @Option(names = "--target", defaultValue = "file=block,network=block,capabilities=block", paramLabel = "SPEC",
            description = "Posture to switch to (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--window", defaultValue = "24h", paramLabel = "DURATION",
            description = "Only the newest DURATION of events counts, e.g. 24h, 90m, 7d (default: ${DEFAULT-VALUE}).")
    String window;

    @Option(names = "--min-span", defaultValue = "1h", paramLabel = "DURATION",
            description = "Each workload must have been observed this long (default: ${DEFAULT-VALUE}).")
    String minSpan;

    @Option(names = "--min-events", defaultValue = "100", paramLabel = "N",
            description = "Each workload must have at least N events (default: ${DEFAULT-VALUE}).")
    long minEvents;

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT", description = "text (default) or json.")
    OutputFormat output;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Posture t;
        try {
            t = Posture.parse(target, Posture.BLOCK);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--target: " + e.getMessage());
        }
        ReadinessAnalyzer.Settings settings = new ReadinessAnalyzer.Settings(t, duration("--window", window),
                duration("--min-span", minSpan), minEvents);
        PolicyLoader.Result loaded = PolicyLoader.load(policies);
        loaded.problems().forEach(err::println);
        if (loaded.hasErrors()) {
            err.println("palisade: fix the policy errors above first");
            err.flush();
            return ExitCodes.FAILURE;
        }
        ReadinessAnalyzer analyzer = new ReadinessAnalyzer(loaded.policies(), settings);
        String input = server != null ? "the agent at " + server : events == null ? "stdin" : events.toString();
        if (server != null) {
            if (events != null) throw new ParameterException(spec.commandLine(), "--server and --events exclude each other");
            if (LiveLogRecording.fromCommandLine(spec, server, recordFor, analyzer::add) < 0) return ExitCodes.FAILURE;
        } else {
            try (BufferedReader in = events == null
                    ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                    : Files.newBufferedReader(events, StandardCharsets.UTF_8)) {
                LogLines.read(in, analyzer::add, m -> err.printf("%s:%d: skipped: %s%n", input, m.lineNumber(), m.reason()));
            }
        }
        List<NamespaceVerdict> verdicts = analyzer.verdicts();
        if (output == OutputFormat.JSON) {
            out.println(json(verdicts));
        } else {
            if (verdicts.isEmpty()) out.println("no container events in " + input);
            for (NamespaceVerdict v : verdicts) {
                out.printf("%s: %s — %s%n", v.namespace(), v.safe() ? "SAFE" : "NOT YET", v.reason());
                for (WorkloadReadiness w : v.workloads()) {
                    out.printf("  %-30s %8d events over %-8s would block %d%n", w.workload(), w.events(),
                            human(w.spanSeconds()), w.wouldBlock());
                    int shown = 0;
                    for (Map.Entry<String, Long> d : w.denials().entrySet()) {
                        if (shown++ == 5) break;
                        out.printf("      %6d x %s%n", d.getValue(), d.getKey());
                    }
                }
            }
        }
        out.flush();
        err.flush();
        return !verdicts.isEmpty() && verdicts.stream().allMatch(NamespaceVerdict::safe) ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private Duration duration(String option, String text) {
        try {
            return DurationText.parse(option, text);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static String human(long seconds) {
        if (seconds >= 3600) return seconds / 3600 + "h" + (seconds % 3600 / 60 > 0 ? seconds % 3600 / 60 + "m" : "");
        if (seconds >= 60) return seconds / 60 + "m";
        return seconds + "s";
    }

    private static String json(List<NamespaceVerdict> verdicts) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ArrayNode arr = f.arrayNode();
        for (NamespaceVerdict v : verdicts) {
            ObjectNode n = arr.addObject();
            n.put("namespace", v.namespace());
            n.put("safe", v.safe());
            n.put("reason", v.reason());
            ArrayNode ws = n.putArray("workloads");
            for (WorkloadReadiness w : v.workloads()) {
                ObjectNode o = ws.addObject();
                o.put("workload", w.workload());
                o.put("events", w.events());
                o.put("spanSeconds", w.spanSeconds());
                o.put("wouldBlock", w.wouldBlock());
                o.put("wouldAudit", w.wouldAudit());
                ObjectNode d = o.putObject("denials");
                w.denials().forEach(d::put);
            }
        }
        return arr.toString();
    }
}
