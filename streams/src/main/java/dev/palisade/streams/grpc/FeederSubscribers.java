package dev.palisade.streams.grpc;

import dev.palisade.telemetry.AgentMessage;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.Telemetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The clients watching the feeder streams. Each client has its own bounded queue: a record is converted to protobuf
 * once and offered to every queue without waiting, so a slow client loses records (counted, per client and per
 * method) and never holds back the others or the hub. With no client watching, records are not converted at all.
 */
public final class FeederSubscribers {
    /** The three server streams of feeder.LogService. */
    public enum Method {
        WATCH_ALERTS("WatchAlerts"), WATCH_LOGS("WatchLogs"), WATCH_MESSAGES("WatchMessages");

        final String rpcName;

        Method(String rpcName) {
            this.rpcName = rpcName;
        }

        public String rpcName() {
            return rpcName;
        }
    }

    /** What one connected client has been handed (queued for it) and has lost so far. */
    public record ClientStats(String id, Method method, long enqueued, long dropped, int queued) {}

    private final int clientBufferSize;
    private final MeterRegistry registry;
    private final AtomicLong nextId = new AtomicLong(1);
    private final List<List<Client<?>>> clients = List.of(new CopyOnWriteArrayList<>(),
            new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
    private final LongAdder[] droppedTotal = {new LongAdder(), new LongAdder(), new LongAdder()};
    private final LongAdder[] subscribedTotal = {new LongAdder(), new LongAdder(), new LongAdder()};

    public FeederSubscribers(int clientBufferSize, MeterRegistry registry) {
        if (clientBufferSize < 1) throw new IllegalArgumentException("client-buffer-size must be at least 1");
        this.clientBufferSize = clientBufferSize;
        this.registry = registry;
        for (Method m : Method.values()) {
            Gauge.builder("palisade.grpc.clients.connected", () -> clients.get(m.ordinal()).size())
                    .description("gRPC clients currently watching a feeder.LogService stream")
                    .tag("method", m.rpcName).register(registry);
            FunctionCounter.builder("palisade.grpc.records.dropped", droppedTotal[m.ordinal()], LongAdder::sum)
                    .description("records not sent to a gRPC client because its queue was full (all clients)")
                    .tag("method", m.rpcName).register(registry);
        }
    }

    /** Offers a record to every client watching its kind. Never blocks. */
    public void publish(Telemetry record) {
        switch (record) {
            case Alert a -> offer(Method.WATCH_ALERTS, a, FeederMapping::toProto);
            case Log l -> offer(Method.WATCH_LOGS, l, FeederMapping::toProto);
            case AgentMessage m -> offer(Method.WATCH_MESSAGES, m, FeederMapping::toProto);
        }
    }

    @SuppressWarnings("unchecked")
    private <R, P> void offer(Method method, R record, Function<R, P> toProto) {
        List<Client<?>> watching = clients.get(method.ordinal());
        if (watching.isEmpty()) return;
        P proto = toProto.apply(record);
        for (Client<?> c : watching) ((Client<P>) c).offer(proto);
    }

    /**
     * A new client's stream: registered when the gRPC layer starts it, removed when the client goes away.
     */
    public <P> Source<P, NotUsed> subscribe(Method method) {
        return Source.<P>queue(clientBufferSize)
                .mapMaterializedValue(queue -> {
                    Client<P> c = new Client<>(method, "c" + nextId.getAndIncrement(), queue);
                    clients.get(method.ordinal()).add(c);
                    subscribedTotal[method.ordinal()].increment();
                    return c;
                })
                .watchTermination((client, done) -> {
                    done.whenComplete((ok, ex) -> remove(client));
                    return NotUsed.getInstance();
                });
    }

    private void remove(Client<?> c) {
        clients.get(c.method.ordinal()).remove(c);
        c.queue.complete();
        registry.remove(c.droppedMeter);
    }

    /** Clients connected to one method. */
    public int connected(Method method) {
        return clients.get(method.ordinal()).size();
    }

    /** Clients that ever started watching one method (those gone included): a new one shows as an increase. */
    public long subscribed(Method method) {
        return subscribedTotal[method.ordinal()].sum();
    }

    /** Records dropped for slow clients of one method, all clients together (including those gone). */
    public long dropped(Method method) {
        return droppedTotal[method.ordinal()].sum();
    }

    public List<ClientStats> clients() {
        List<ClientStats> all = new ArrayList<>();
        for (List<Client<?>> l : clients) {
            for (Client<?> c : l) all.add(new ClientStats(c.id, c.method, c.enqueued.sum(), c.dropped.sum(), c.queue.size()));
        }
        return all;
    }

    private final class Client<P> {
        final Method method;
        final String id;
        final BoundedSourceQueue<P> queue;
        final LongAdder enqueued = new LongAdder();
        final LongAdder dropped = new LongAdder();
        final Counter droppedMeter;

        Client(Method method, String id, BoundedSourceQueue<P> queue) {
            this.method = method;
            this.id = id;
            this.queue = queue;
            this.droppedMeter = Counter.builder("palisade.grpc.client.records.dropped")
                    .description("records not sent to this gRPC client because its queue was full")
                    .tags("method", method.rpcName, "client", id).register(registry);
        }

        void offer(P proto) {
            QueueOfferResult r = queue.offer(proto);
            if (r == QueueOfferResult.enqueued()) {
                enqueued.increment();
            } else if (r == QueueOfferResult.dropped()) {
                dropped.increment();
                droppedMeter.increment();
                droppedTotal[method.ordinal()].increment();
            }
        }
    }
}
