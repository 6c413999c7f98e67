package dev.palisade.agent.cli;

import dev.palisade.policy.compile.PathAliases;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.RootfsAliases;
import dev.palisade.policy.load.PolicyLoader;
import dev.palisade.policy.load.Problem;
import dev.palisade.policy.select.HostIdentity;
import dev.palisade.policy.simulate.Explanation;
import dev.palisade.policy.simulate.PostureSettings;
import dev.palisade.policy.simulate.SimulationSummary;
import dev.palisade.policy.simulate.LogLines;
import dev.palisade.policy.simulate.Simulator;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.TelemetryJson;
import dev.palisade.telemetry.TelemetryTypes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code palisade simulate}: replay recorded telemetry against candidate policies; nothing is enforced. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Dry-run policies against recorded logs: the alerts an enforcing agent would raise.",
                "",
                "Reads KubeArmor logs (JSON lines, e.g. from 'karmor logs --json' or 'palisade logs --json",
                "--filter system'). For each log the alert an enforcing agent would raise is",
                "written to stdout as a JSON line in KubeArmor's schema; a summary goes to stderr.",
                "",
                "Logs lack some facts; add them as extra fields when rules depend on them: OwnerUID (owner of the",
                "file, for ownerOnly; without it the task is taken as not the owner), Args (list, for allowedArgs),",
                "Write (boolean, else read from Data's open flags), TTY (non-empty: has a terminal, for pts)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:simulated (whatever the alerts)", "1:a policy is invalid or the events cannot be read",
                "2:bad usage"})
final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-p", "--policies"}, arity = "1..*", required = true, paramLabel = "PATH",
            description = "Policy files or directories to evaluate.")
    List<Path> policies;

    @Option(names = "--posture", paramLabel = "SPEC", defaultValue = "file=audit,network=audit,capabilities=audit",
            description = "Global default posture, e.g. file=block,network=audit,capabilities=audit (default: all audit, "
                    + "KubeArmor's default).")
    String posture;

    @Option(names = "--namespace-posture", paramLabel = "NS:SPEC",
            description = "A namespace's posture, as its kubearmor-*-posture annotations would set it, e.g. "
                    + "default:file=block. Classes not named follow --posture. Repeatable.")
    List<String> namespacePostures = List.of();

    @Option(names = "--host-posture", paramLabel = "SPEC", description = "Posture for host processes (default: --posture).")
    String hostPosture;

    @Option(names = "--node-label", paramLabel = "KEY=VALUE", description = "A label of the node, for host policies. Repeatable.")
    Map<String, String> nodeLabels = new HashMap<>();

    @Option(names = {"-e", "--events"}, paramLabel = "FILE", description = "Log JSON lines to replay (default: stdin).")
    Path events;

    @Option(names = "--enforcer", defaultValue = "bpf-lsm", paramLabel = "NAME",
            description = "Whose denials to simulate: bpf-lsm (Result 'Permission denied', default) or fanotify "
                    + "('Operation not permitted').")
    String enforcer;

    @Option(names = {"-o", "--output"}, defaultValue = "json", paramLabel = "FORMAT",
            description = "json (default: one KubeArmor Alert per line) or text (one readable line per alert).")
    OutputFormat output;

    @Option(names = "--rootfs", paramLabel = "DIR",
            description = "Resolve policy paths against this filesystem tree (an unpacked image, or / for the host), "
                    + "so a rule on /bin/bash also matches /usr/bin/bash on merged-/usr images, as the agent does.")
    Path rootfs;

    @Option(names = "--explain", description = "Say on stderr why each alert was raised (rule or posture).")
    boolean explain;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PostureSettings postures = postures();
        String enforcerName = switch (enforcer.toLowerCase(java.util.Locale.ROOT)) {
            case "bpf-lsm", "bpflsm" -> TelemetryTypes.ENFORCER_BPF_LSM;
            case "fanotify" -> TelemetryTypes.ENFORCER_FANOTIFY;
            default -> throw new ParameterException(spec.commandLine(), "--enforcer must be bpf-lsm or fanotify");
        };

        PolicyLoader.Result loaded = PolicyLoader.load(policies);
        for (Problem p : loaded.problems()) err.println(p);
        if (loaded.hasErrors()) {
            err.println("palisade: fix the policy errors above first (an invalid policy would silently be left out)");
            err.flush();
            return ExitCodes.FAILURE;
        }
        if (loaded.policies().isEmpty()) err.println("palisade: warning: no policies found in " + policies);

        if (rootfs != null && !Files.isDirectory(rootfs)) {
            throw new ParameterException(spec.commandLine(), "--rootfs " + rootfs + " is not a directory");
        }
        Simulator sim = new Simulator(loaded.policies(), postures, new HostIdentity("", nodeLabels), enforcerName,
                rootfs == null ? PathAliases.NONE : new RootfsAliases(rootfs));
        String input = events == null ? "stdin" : events.toString();
        SimulationSummary summary;
        try (BufferedReader in = events == null
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(events, StandardCharsets.UTF_8)) {
            summary = sim.run(in, d -> {
                out.println(output == OutputFormat.JSON ? TelemetryJson.write(d.alert()) : text(d.alert()));
                if (explain) {
                    err.printf("%s:%d: %s %s: %s%n", input, d.lineNumber(), d.alert().actionText(), d.alert().resource(),
                            Explanation.of(d.verdict(), d.rules(), Explanation.classOf(d.alert().operation())));
                }
            }, m -> err.printf("%s:%d: skipped: %s%n", input, m.lineNumber(), m.reason()));
        } catch (IOException e) {
            err.println("palisade: cannot read " + input + ": " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        out.flush();
        err.print(summary.render());
        err.flush();
        return ExitCodes.OK;
    }

    private PostureSettings postures() {
        Posture global = parsePosture("--posture", posture, Posture.AUDIT);
        Map<String, Posture> ns = new LinkedHashMap<>();
        for (String s : namespacePostures) {
            int colon = s.indexOf(':');
            if (colon <= 0) {
                throw new ParameterException(spec.commandLine(),
                        "--namespace-posture \"" + s + "\" must be NAMESPACE:SPEC, e.g. default:file=block");
            }
            ns.put(s.substring(0, colon), parsePosture("--namespace-posture", s.substring(colon + 1), global));
        }
        Posture host = hostPosture == null ? global : parsePosture("--host-posture", hostPosture, global);
        return new PostureSettings(global, ns, host);
    }

    private Posture parsePosture(String option, String value, Posture base) {
        try {
            return Posture.parse(value, base);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    private static String text(Alert a) {
        String where = a.namespaceName().isEmpty() ? "host" : a.namespaceName() + "/" + a.podName() + "/" + a.containerName();
        return String.format("%-13s %-10s %-12s %s (%s) by %s -> %s", a.action(), a.policyName(), a.operation(),
                a.resource(), where, a.source().isEmpty() ? a.processName() : a.source(), a.result());
    }
}
