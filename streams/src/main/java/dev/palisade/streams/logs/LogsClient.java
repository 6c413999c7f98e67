package dev.palisade.streams.logs;

import dev.palisade.grpc.feeder.LogServiceClient;
import dev.palisade.grpc.feeder.RequestMessage;
import dev.palisade.streams.grpc.FeederMapping;
import dev.palisade.telemetry.Telemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.grpc.GrpcClientSettings;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The core of {@code palisade logs}: watches an agent's feeder.LogService (Palisade's or KubeArmor's) and turns what
 * arrives into lines. {@link LogFilter} picks the streams, {@link RecordSelector} narrows them on the client side,
 * {@link RecordRenderer} prints them. Follows until {@link Following#stop()} or the server ends the streams.
 */
public final class LogsClient implements AutoCloseable {
    /**
     * @param filter which streams to watch (policy, system, all)
     * @param messages whether to watch the agent's own messages too
     */
    public record Options(String host, int port, LogFilter filter, boolean messages, RecordSelector selector,
                          RecordRenderer.Format format) {}

    /** A follow in progress. */
    public record Following(UniqueKillSwitch killSwitch, CompletionStage<Done> done) {
        public void stop() {
            killSwitch.shutdown();
        }
    }

    private final ActorSystem<?> system;
    private final Options options;
    private final LogServiceClient client;

    public LogsClient(ActorSystem<?> system, Options options) {
        this.system = system;
        this.options = options;
        GrpcClientSettings settings = GrpcClientSettings.connectToServiceAt(options.host(), options.port(), system)
                .withTls(false);
        this.client = LogServiceClient.create(settings, system);
    }

    /** The selected records of every watched stream, merged as they arrive. */
    public Source<Telemetry, NotUsed> records() {
        String requestFilter = options.filter().name().toLowerCase(java.util.Locale.ROOT);
        List<Source<Telemetry, NotUsed>> streams = new ArrayList<>();
        if (options.filter().alerts()) {
            streams.add(client.watchAlerts(request(options.filter() == LogFilter.ALL ? "all" : requestFilter))
                    .map(FeederMapping::fromProto));
        }
        if (options.filter().logs()) {
            streams.add(client.watchLogs(request(options.filter() == LogFilter.ALL ? "all" : requestFilter))
                    .map(FeederMapping::fromProto));
        }
        if (options.messages()) {
            streams.add(client.watchMessages(request("all")).map(FeederMapping::fromProto));
        }
        Source<Telemetry, NotUsed> merged = streams.stream().reduce(Source::merge).orElse(Source.empty());
        RecordSelector selector = options.selector();
        return merged.filter(selector::test);
    }

    /** The records rendered in the chosen format, one line each. */
    public Source<String, NotUsed> lines() {
        RecordRenderer.Format format = options.format();
        return records().map(r -> RecordRenderer.render(r, format));
    }

    /** Prints every line to {@code out} until stopped. */
    public Following follow(Consumer<String> out) {
        var mat = lines().viaMat(KillSwitches.single(), Keep.right())
                .toMat(Sink.foreach(out::accept), Keep.both())
                .run(system);
        return new Following(mat.first(), mat.second());
    }

    private static RequestMessage request(String filter) {
        return RequestMessage.newBuilder().setFilter(filter).build();
    }

    @Override
    public void close() {
        client.close();
    }
}
