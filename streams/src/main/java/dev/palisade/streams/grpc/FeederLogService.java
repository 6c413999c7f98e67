package dev.palisade.streams.grpc;

import dev.palisade.grpc.feeder.Alert;
import dev.palisade.grpc.feeder.Log;
import dev.palisade.grpc.feeder.LogService;
import dev.palisade.grpc.feeder.Message;
import dev.palisade.grpc.feeder.NonceMessage;
import dev.palisade.grpc.feeder.ReplyMessage;
import dev.palisade.grpc.feeder.RequestMessage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * feeder.LogService as KubeArmor serves it. The request filter is only checked, as KubeArmor's feeder does: it
 * never narrows what a stream carries. WatchAlerts accepts {@code all} and {@code policy}, WatchLogs accepts
 * {@code all} and {@code system}, and both send every alert (or log) for either value; any other filter ends the
 * stream at once with status OK and no records. WatchMessages ignores the filter. (The narrowing users know from
 * {@code karmor logs --logFilter} is the client choosing which streams to watch: policy = alerts, system = logs.)
 */
public final class FeederLogService implements LogService {
    private final FeederSubscribers subscribers;

    public FeederLogService(FeederSubscribers subscribers) {
        this.subscribers = subscribers;
    }

    /** Deprecated in KubeArmor in favour of grpc.health.v1; answers with the nonce it was sent. */
    @Override
    public CompletionStage<ReplyMessage> healthCheck(NonceMessage in) {
        return CompletableFuture.completedFuture(ReplyMessage.newBuilder().setRetval(in.getNonce()).build());
    }

    @Override
    public Source<Message, NotUsed> watchMessages(RequestMessage in) {
        return subscribers.subscribe(FeederSubscribers.Method.WATCH_MESSAGES);
    }

    @Override
    public Source<Alert, NotUsed> watchAlerts(RequestMessage in) {
        if (!in.getFilter().equals("all") && !in.getFilter().equals("policy")) return Source.empty();
        return subscribers.subscribe(FeederSubscribers.Method.WATCH_ALERTS);
    }

    @Override
    public Source<Log, NotUsed> watchLogs(RequestMessage in) {
        if (!in.getFilter().equals("all") && !in.getFilter().equals("system")) return Source.empty();
        return subscribers.subscribe(FeederSubscribers.Method.WATCH_LOGS);
    }
}
