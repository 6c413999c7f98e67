package dev.palisade.agent.cli;

import ch.qos.logback.classic.Level;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.palisade.agent.run.Agent;
import dev.palisade.agent.run.AgentConfig;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.PostureClass;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code palisade run}: the node agent. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the node agent: enforce policies in the kernel and report alerts.",
                "",
                "Standalone by default: policies from a directory, containers found in the runtimes' state",
                "(runc, containerd), alerts as JSON lines on stdout, the agent's log on stderr. Needs root.",
                "Stops cleanly on SIGINT/SIGTERM: programs detached, marks removed."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped cleanly", "1:could not start (the message says why and what to do)", "2:bad usage"})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "HOCON configuration over the embedded default.")
    Path config;

    @Option(names = {"-p", "--policies"}, paramLabel = "DIR", description = "Policy directory (palisade.policies.directory).")
    Path policies;

    @Option(names = "--posture", paramLabel = "SPEC", description = "Global posture, e.g. file=block,network=audit,capabilities=audit.")
    String posture;

    @Option(names = "--enforcer", paramLabel = "NAME", description = "auto (default: BPF-LSM, else fanotify, else audit-only), bpf-lsm, fanotify or audit-only.")
    String enforcer;

    @Option(names = "--mode", paramLabel = "MODE",
            description = "standalone (policies from a directory), kubernetes (from the API server) or auto (kubernetes in a pod).")
    String mode;

    @Option(names = "--node-name", paramLabel = "NAME", description = "This node's name (palisade.node-name).")
    String nodeName;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "Kubernetes mode outside a pod: the kubeconfig to reach the API server with (else KUBECONFIG, "
                    + "~/.kube/config); palisade.kubernetes.master-url, when set, still wins.")
    Path kubeconfig;

    @Override
    public Integer call() throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(Level.toLevel(System.getenv().getOrDefault("PALISADE_LOG_LEVEL", "INFO")));
        Map<String, Object> overrides = new HashMap<>();
        if (policies != null) overrides.put("palisade.policies.directory", policies.toAbsolutePath().toString());
        if (enforcer != null) overrides.put("palisade.agent.enforcer", enforcer);
        if (mode != null) {
            if (!java.util.List.of("standalone", "kubernetes", "auto").contains(mode)) {
                throw new ParameterException(spec.commandLine(), "--mode: must be standalone, kubernetes or auto, not \"" + mode + "\"");
            }
            overrides.put("palisade.mode", mode);
        }
        if (nodeName != null) overrides.put("palisade.node-name", nodeName);
        if (kubeconfig != null) {
            if (!Files.isRegularFile(kubeconfig)) {
                throw new ParameterException(spec.commandLine(), "--kubeconfig: " + kubeconfig + " is not a file");
            }
            // fabric8 reads the kubeconfig's location from this property before KUBECONFIG
            System.setProperty("kubeconfig", kubeconfig.toAbsolutePath().toString());
        }
        if (posture != null) {
            try {
                Posture p = Posture.parse(posture, Posture.AUDIT);
                for (PostureClass c : PostureClass.values()) {
                    if (posture.toLowerCase(java.util.Locale.ROOT).contains(c.configName())) {
                        overrides.put("palisade.posture." + c.configName(), p.of(c).configName());
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--posture: " + e.getMessage());
            }
        }
        var err = spec.commandLine().getErr();
        if (!isRoot()) {
            err.println("palisade: run needs root (to load BPF programs, mount bpffs/tracefs and answer fanotify events); "
                    + "start it with sudo, or as the DaemonSet in deploy/ does");
            return ExitCodes.FAILURE;
        }
        Config cfg;
        try {
            cfg = AgentConfig.load(config, overrides);
        } catch (ConfigException e) {
            err.println("palisade: bad configuration: " + describe(e));
            return ExitCodes.FAILURE;
        } catch (IllegalArgumentException e) {
            err.println("palisade: bad configuration: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        Agent agent;
        try {
            agent = Agent.start(cfg);
        } catch (ConfigException e) {
            err.println("palisade: bad configuration: " + describe(e));
            return ExitCodes.FAILURE;
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            err.println("palisade: could not start: " + cause.getMessage());
            org.slf4j.LoggerFactory.getLogger(RunCommand.class).debug("start failure", cause);
            return ExitCodes.FAILURE;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            agent.close();
            stopped.countDown();
        }, "palisade-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
        return ExitCodes.OK;
    }

    /**
     * The key and the reason, and where the value came from when that is one place (a file and line); a value merged
     * from the command line, the embedded default and the references has an origin too long to help.
     */
    static String describe(ConfigException e) {
        String m = e.getMessage();
        var origin = e.origin();
        if (origin == null || !m.startsWith(origin.description() + ": ")) return m;
        String reason = m.substring(origin.description().length() + 2);
        return origin.description().startsWith("merge of") ? reason : reason + " (" + origin.description() + ")";
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return line.split("\\s+")[2].equals("0");
            }
        } catch (java.io.IOException e) {
            return false;
        }
        return false;
    }
}
