package dev.palisade.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.palisade.policy.simulate.LogLines;
import dev.palisade.streams.logs.LogFilter;
import dev.palisade.streams.logs.LogsClient;
import dev.palisade.streams.logs.RecordRenderer;
import dev.palisade.streams.logs.RecordSelector;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.TelemetryJson;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Records a running agent's visibility logs from its gRPC feeder (WatchLogs, as {@code palisade logs --filter system}
 * reads them) for a fixed time, handing each log on as if it had been read from a recorded file: {@code discover} and
 * {@code readiness} learn from a live agent exactly as from {@code --events}.
 */
final class LiveLogRecording {
    private LiveLogRecording() {}

    /** {@code host:port}, checked before anything connects. */
    record Server(String host, int port) {
        static Server parse(String option, String text) {
            int colon = text.lastIndexOf(':');
            try {
                if (colon <= 0 || colon == text.length() - 1) throw new NumberFormatException();
                int port = Integer.parseInt(text.substring(colon + 1));
                if (port < 1 || port > 65535) throw new NumberFormatException();
                return new Server(text.substring(0, colon), port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " \"" + text + "\" is not HOST:PORT (the agent's gRPC port, 32767 by default)");
            }
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /**
     * The command-line side of a recording: checks {@code --server} and {@code --duration} (a usage error names the
     * option), says on stderr what it is doing, records, and reports a failure on stderr.
     *
     * @return the number of logs recorded, or -1 when the recording failed (already reported)
     */
    static long fromCommandLine(CommandSpec spec, String server, String duration, Consumer<LogLines.Entry> logs) {
        var err = spec.commandLine().getErr();
        Server at;
        Duration d;
        try {
            at = Server.parse("--server", server);
            d = DurationText.parse("--duration", duration);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        err.println("recording the logs of " + at + " for " + duration + " ...");
        err.flush();
        try {
            long n = record(at, d, logs);
            err.println("recorded " + n + " logs");
            return n;
        } catch (IllegalStateException e) {
            err.println("palisade: " + e.getMessage());
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } finally {
            err.flush();
        }
    }

    /**
     * Watches {@code server}'s logs for {@code duration} and passes each on.
     *
     * @return how many logs were recorded
     * @throws IllegalStateException when the agent cannot be reached or the stream fails, naming the server
     */
    static long record(Server server, Duration duration, Consumer<LogLines.Entry> logs) throws InterruptedException {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "palisade-cli", ConfigFactory.parseString("""
                pekko.loglevel = WARNING
                pekko.stdout-loglevel = WARNING
                pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
                """).withFallback(ConfigFactory.load()).resolve());
        ObjectMapper mapper = TelemetryJson.mapper();
        AtomicLong n = new AtomicLong();
        try (LogsClient client = new LogsClient(system, new LogsClient.Options(server.host(), server.port(),
                LogFilter.SYSTEM, false, RecordSelector.ANY, RecordRenderer.Format.JSON))) {
            client.records()
                    .takeWithin(duration)
                    .runForeach(r -> {
                        if (r instanceof Log l) logs.accept(new LogLines.Entry(n.incrementAndGet(), l, mapper.valueToTree(l)));
                    }, system)
                    .toCompletableFuture()
                    .get(duration.toMillis() + 30_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("cannot watch the logs of the agent at " + server + ": " + cause.getMessage()
                    + " (is it running, with palisade.sinks.grpc enabled?)", cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the agent at " + server + " did not end the recording in time", e);
        } finally {
            system.terminate();
            try {
                system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException ignored) {
                // the recording is complete; a slow shutdown of the client changes nothing
            }
        }
        return n.get();
    }
}
