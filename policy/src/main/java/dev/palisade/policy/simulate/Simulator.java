package dev.palisade.policy.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.policy.Policy;
import dev.palisade.policy.compile.PathAliases;
import dev.palisade.policy.compile.RuleSet;
import dev.palisade.policy.compile.RuleSetCompiler;
import dev.palisade.policy.compile.Scope;
import dev.palisade.policy.compile.Verdict;
import dev.palisade.policy.select.HostIdentity;
import dev.palisade.policy.select.PolicySelector;
import dev.palisade.policy.select.WorkloadIdentity;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.TelemetryTypes;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Replays recorded KubeArmor logs against candidate policies and says, for each, the alert an enforcing agent
 * would raise: the dry-run users ask KubeArmor for. Rule sets are compiled once per workload identity.
 */
public final class Simulator {
    private final List<Policy> policies;
    private final PostureSettings posture;
    private final HostIdentity host;
    private final String enforcer;
    private final String deniedResult;
    private final PathAliases aliases;
    private final Map<String, RuleSet> compiled = new HashMap<>();
    private final SimulationSummary summary = new SimulationSummary();

    /**
     * @param enforcer {@code BPFLSM} (denials read "Permission denied") or {@code fanotify} ("Operation not permitted")
     */
    public Simulator(List<Policy> policies, PostureSettings posture, HostIdentity host, String enforcer) {
        this(policies, posture, host, enforcer, PathAliases.NONE);
    }

    /**
     * @param aliases how policy paths map to the paths logs report (e.g. {@link
     *                dev.palisade.policy.compile.RootfsAliases} of an image's filesystem)
     */
    public Simulator(List<Policy> policies, PostureSettings posture, HostIdentity host, String enforcer,
                     PathAliases aliases) {
        this.aliases = aliases;
        this.policies = List.copyOf(policies);
        this.posture = posture;
        this.host = host;
        this.enforcer = enforcer;
        this.deniedResult = TelemetryTypes.ENFORCER_FANOTIFY.equals(enforcer)
                ? TelemetryTypes.OPERATION_NOT_PERMITTED : TelemetryTypes.PERMISSION_DENIED;
    }

    /** An alert, the verdict behind it and the input line it came from. */
    public record Decision(long lineNumber, Alert alert, Verdict verdict, RuleSet rules) {}

    /**
     * Reads JSON lines until the end, handing each alert to {@code alerts} and each unreadable line to
     * {@code malformed}; nothing else stops the run.
     */
    public SimulationSummary run(BufferedReader in, Consumer<Decision> alerts, Consumer<LogLines.Malformed> malformed)
            throws IOException {
        LogLines.read(in, e -> {
            summary.countLine();
            decide(e.log(), e.raw()).ifPresent(d -> alerts.accept(new Decision(e.number(), d.alert(), d.verdict(), d.rules())));
        }, m -> {
            summary.countLine();
            summary.countMalformed();
            malformed.accept(m);
        });
        return summary;
    }

    /** The alert for one log, if the verdict raises one (line number 0). */
    public Optional<Decision> decide(Log log, JsonNode raw) {
        Optional<Access> access = LogInterpreter.interpret(log, raw);
        if (access.isEmpty()) {
            summary.countSkipped();
            return Optional.empty();
        }
        summary.countDecided();
        boolean isHost = TelemetryTypes.HOST_LOG.equals(log.type())
                || (isEmpty(log.containerId()) && isEmpty(log.namespaceName()) && isEmpty(log.podName()));
        RuleSet rules = isHost ? hostRules() : containerRules(log);
        Verdict v = access.get().decide(rules.matcher());
        if (!v.alert()) return Optional.empty();
        String key = v.defaultPosture()
                ? v.policyName() + " (" + (isHost ? "host" : new WorkloadIdentity(log.namespaceName(), "", "", null).namespace()) + ")"
                : v.policyName();
        summary.countAlert(key, v.action() == dev.palisade.policy.compile.RuleAction.BLOCK && !v.dryRun());
        return Optional.of(new Decision(0, AlertComposer.compose(log, v, enforcer, deniedResult), v, rules));
    }

    public SimulationSummary summary() {
        return summary;
    }

    private RuleSet hostRules() {
        return compiled.computeIfAbsent("host", k -> RuleSetCompiler.compile(Scope.HOST,
                policies.stream().filter(p -> PolicySelector.selects(p, host)).toList(), posture.host(), aliases));
    }

    private RuleSet containerRules(Log log) {
        WorkloadIdentity w = new WorkloadIdentity(log.namespaceName(), log.podName(), log.containerName(),
                parseLabels(log.labels()));
        String key = w.namespace() + "\0" + w.containerName() + "\0" + w.labelsText();
        return compiled.computeIfAbsent(key, k -> RuleSetCompiler.compile(Scope.CONTAINER,
                policies.stream().filter(p -> PolicySelector.selects(p, w)).toList(),
                posture.forNamespace(w.namespace()), aliases));
    }

    /** KubeArmor's {@code Labels}: {@code k=v,k2=v2}. */
    public static Map<String, String> parseLabels(String labels) {
        Map<String, String> m = new LinkedHashMap<>();
        if (labels == null) return m;
        for (String kv : labels.split(",")) {
            int eq = kv.indexOf('=');
            if (eq > 0) m.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        return m;
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }
}
