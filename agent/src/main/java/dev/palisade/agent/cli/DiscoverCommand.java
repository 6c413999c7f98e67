package dev.palisade.agent.cli;

import dev.palisade.policy.discover.Discoverer;
import dev.palisade.policy.discover.DiscoverySettings;
import dev.palisade.policy.discover.PolicyDraft;
import dev.palisade.policy.discover.PolicyYamlWriter;
import dev.palisade.policy.simulate.LogLines;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code palisade discover}: learn a least-permissive policy per workload from what it was seen doing. */
@Command(name = "discover", mixinStandardHelpOptions = true,
        description = {"Learn a least-permissive KubeArmorPolicy per workload from observed behaviour.",
                "",
                "Reads Log JSON lines (a recording from 'palisade logs --json --filter system' or 'karmor logs --json')",
                "and writes one commented policy per workload (namespace + stable pod labels): the programs it ran,",
                "the files it opened (folded into directories where listing them would be brittle, read-only where",
                "never written), the protocols and capabilities it used, fromSource where one program was always",
                "behind a resource, and the entries a container runtime needs. Review, 'palisade simulate' against",
                "more recordings, apply in dry-run, then block."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:policies written", "1:nothing to learn from, or the input cannot be read", "2:bad usage"})
final class DiscoverCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-e", "--events"}, paramLabel = "FILE", description = "Log JSON lines (default: stdin).")
    Path events;

    @Option(names = "--server", paramLabel = "HOST:PORT",
            description = "Learn from a running agent's logs (its gRPC service) instead of reading --events.")
    String server;

    @Option(names = "--duration", defaultValue = "10m", paramLabel = "DURATION",
            description = "With --server: how long to watch the workloads (default: ${DEFAULT-VALUE}).")
    String recordFor;

    @Option(names = {"-d", "--output-dir"}, paramLabel = "DIR",
            description = "Write one file per policy (<namespace>_<name>.yaml) here instead of all to stdout.")
    Path outputDir;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Only workloads of these namespaces (repeatable).")
    List<String> namespaces = List.of();

    @Option(names = "--fold-threshold", defaultValue = "4", paramLabel = "N",
            description = "Fold a directory into one rule once N distinct files in it were seen (default: ${DEFAULT-VALUE}).")
    int foldThreshold;

    @Option(names = "--process-fold-threshold", defaultValue = "8", paramLabel = "N",
            description = "Likewise for programs in one directory (default: ${DEFAULT-VALUE}).")
    int processFoldThreshold;

    @Option(names = "--min-source-events", defaultValue = "3", paramLabel = "N",
            description = "Add fromSource when one program was behind every one of at least N uses (default: ${DEFAULT-VALUE}).")
    int minSourceEvents;

    @Option(names = "--no-runtime-baseline", description = "Do not add the device, /proc and loader entries runtimes need.")
    boolean noBaseline;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (foldThreshold < 2 || processFoldThreshold < 2 || minSourceEvents < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "fold thresholds must be at least 2 and --min-source-events at least 1");
        }
        Discoverer d = new Discoverer(new DiscoverySettings(foldThreshold, processFoldThreshold, minSourceEvents, !noBaseline));
        String input = server != null ? "the agent at " + server : events == null ? "stdin" : events.toString();
        long lines;
        long[] malformed = {0};
        java.util.function.Consumer<LogLines.Entry> learn = e -> {
            if (namespaces.isEmpty() || namespaces.contains(e.log().namespaceName())) d.add(e);
        };
        if (server != null) {
            if (events != null) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--server and --events exclude each other");
            lines = LiveLogRecording.fromCommandLine(spec, server, recordFor, learn);
            if (lines < 0) return ExitCodes.FAILURE;
        } else {
            try (BufferedReader in = events == null
                    ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                    : Files.newBufferedReader(events, StandardCharsets.UTF_8)) {
                lines = LogLines.read(in, learn, m -> {
                    malformed[0]++;
                    err.printf("%s:%d: skipped: %s%n", input, m.lineNumber(), m.reason());
                });
            } catch (IOException e) {
                err.println("palisade: cannot read " + input + ": " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }
        List<PolicyDraft> drafts = d.drafts();
        if (drafts.isEmpty()) {
            err.printf("palisade: nothing to learn from %s (%d lines, %d malformed, %d not from a container)%n",
                    input, lines, malformed[0], d.skipped());
            return ExitCodes.FAILURE;
        }
        if (outputDir != null) Files.createDirectories(outputDir);
        boolean first = true;
        for (PolicyDraft p : drafts) {
            String header = "Learned by palisade discover from " + p.events() + " events of " + p.workload().namespace()
                    + "/" + p.workload().name() + " (" + input + ", " + Instant.now().toString().substring(0, 19) + "Z).\n"
                    + "Review it, replay more recordings with 'palisade simulate', apply it in dry-run\n"
                    + "(annotation palisade.dev/mode: dry-run), then enforce.";
            String yaml = PolicyYamlWriter.write(p, header);
            if (outputDir != null) {
                Path f = outputDir.resolve(p.workload().namespace() + "_" + p.policyName() + ".yaml");
                Files.writeString(f, yaml);
                err.println("wrote " + f + " (" + p.rules().size() + " rules)");
            } else {
                if (!first) out.println("---");
                out.print(yaml);
                first = false;
            }
        }
        out.flush();
        err.printf("%d polic%s from %d events (%d lines, %d malformed, %d skipped)%n", drafts.size(),
                drafts.size() == 1 ? "y" : "ies", drafts.stream().mapToLong(PolicyDraft::events).sum(), lines,
                malformed[0], d.skipped());
        err.flush();
        return ExitCodes.OK;
    }
}
