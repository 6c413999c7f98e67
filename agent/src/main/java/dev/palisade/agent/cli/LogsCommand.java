package dev.palisade.agent.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.palisade.agent.run.AgentConfig;
import dev.palisade.streams.logs.LogFilter;
import dev.palisade.streams.logs.LogsClient;
import dev.palisade.streams.logs.RecordRenderer;
import dev.palisade.streams.logs.RecordSelector;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code palisade logs}: follows a running agent's alerts and logs over its gRPC service, like {@code karmor logs}. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Follow a running agent's alerts and logs (its gRPC feeder.LogService) until interrupted.")
public final class LogsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--server", paramLabel = "HOST:PORT",
            description = "The agent's gRPC address (default: localhost and palisade.sinks.grpc.port of the configuration, 32767).")
    String server;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The agent's configuration, to find its gRPC port when --server is not given.")
    Path config;

    @Option(names = "--filter", defaultValue = "policy", paramLabel = "WHICH",
            description = "policy (alerts, the default), system (logs) or all.")
    String filter;

    @Option(names = "--messages", description = "Also the agent's own messages.")
    boolean messages;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Only this namespace.")
    String namespace;

    @Option(names = "--pod", paramLabel = "POD", description = "Only this pod.")
    String pod;

    @Option(names = "--container", paramLabel = "NAME", description = "Only this container.")
    String container;

    @Option(names = "--operation", paramLabel = "OP", description = "Only Process, File, Network or Capabilities.")
    String operation;

    @Option(names = "--json", description = "KubeArmor JSON, one record per line, instead of readable lines.")
    boolean json;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Stop after this long (default: follow until interrupted).")
    String duration;

    /** Where an agent on this machine listens: its configuration's gRPC port, on localhost. */
    static String localAgent(Path config) {
        try {
            Config c = AgentConfig.load(config, Map.of());
            if (!c.getBoolean("palisade.sinks.grpc.enabled")) {
                throw new IllegalArgumentException("the configuration" + (config == null ? "" : " " + config)
                        + " has palisade.sinks.grpc.enabled = false: the agent serves no logs; give --server HOST:PORT");
            }
            return "localhost:" + c.getInt("palisade.sinks.grpc.port");
        } catch (ConfigException e) {
            throw new IllegalArgumentException("--config: " + e.getMessage(), e);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LiveLogRecording.Server at;
        LogFilter which;
        Duration limit;
        try {
            at = LiveLogRecording.Server.parse("--server", server != null ? server : localAgent(config));
            which = LogFilter.parse(filter);
            limit = duration == null ? null : DurationText.parse("--duration", duration);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "palisade-logs", ConfigFactory.parseString("""
                pekko.loglevel = WARNING
                pekko.stdout-loglevel = WARNING
                pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
                """).withFallback(ConfigFactory.load()).resolve());
        try (LogsClient client = new LogsClient(system, new LogsClient.Options(at.host(), at.port(), which, messages,
                new RecordSelector(namespace, pod, container, operation),
                json ? RecordRenderer.Format.JSON : RecordRenderer.Format.TEXT))) {
            LogsClient.Following following = client.follow(line -> {
                out.println(line);
                out.flush();
            });
            // Ctrl-C ends the follow cleanly: the stream is stopped and what was received has been printed.
            Thread stopper = new Thread(following::stop, "palisade-logs-stop");
            Runtime.getRuntime().addShutdownHook(stopper);
            CompletableFuture<?> done = following.done().toCompletableFuture();
            try {
                if (limit == null) {
                    done.get();
                } else {
                    try {
                        done.get(limit.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (TimeoutException e) {
                        following.stop();
                        done.get(10, TimeUnit.SECONDS);
                    }
                }
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                err.println("palisade: lost the agent at " + at + ": " + cause.getMessage()
                        + " (is it running, with palisade.sinks.grpc enabled?)");
                err.flush();
                return ExitCodes.FAILURE;
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(stopper);
                } catch (IllegalStateException ignored) {
                    // already shutting down: the hook is running
                }
            }
            return ExitCodes.OK;
        } finally {
            system.terminate();
        }
    }
}
