package dev.palisade.streams.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.streams.StreamsTestKit;
import dev.palisade.streams.TelemetryHub;
import dev.palisade.streams.TestOutputs;
import dev.palisade.streams.TestRecords;
import dev.palisade.streams.sink.Delivery;
import dev.palisade.streams.sink.DropReason;
import dev.palisade.streams.sink.IsolatedSink;
import dev.palisade.streams.sink.SinkSettings;
import dev.palisade.streams.sink.TelemetryOutput;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Telemetry;
import dev.palisade.telemetry.TelemetryTypes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Flow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CounterAlertsTest {
    private final ActorTestKit kit = StreamsTestKit.create("drop-alerts-test");
    private static final NodeIdentity NODE = new NodeIdentity("default", "node-1");

    @AfterAll
    void shutdown() {
        kit.shutdownTestKit();
    }

    @Test
    void saysNothingUntilSomethingIsLostThenNamesEachCounterThatGrewOnce() {
        AtomicLong ring = new AtomicLong(7), sink = new AtomicLong();
        CounterAlerts drops = CounterAlerts.drops(NODE, List.of(new CounterAlerts.Counter("ring_lost", ring::get),
                new CounterAlerts.Counter("sink_stdout_buffer_full", sink::get)));
        Instant now = Instant.parse("2026-12-06T10:00:00Z");
        assertTrue(drops.next(now, Duration.ofSeconds(10)).isEmpty(), "what was lost before it started is not reported");

        ring.addAndGet(3);
        sink.addAndGet(250);
        Alert a = drops.next(now, Duration.ofSeconds(10)).orElseThrow();
        assertEquals(TelemetryTypes.SYSTEM_EVENT, a.type());
        assertEquals(TelemetryTypes.OP_DROPPED, a.operation());
        assertEquals("ring_lost=3 sink_stdout_buffer_full=250", a.data());
        assertEquals("253 record(s) dropped in the last 10 s: 3 ring_lost, 250 sink_stdout_buffer_full", a.message());
        assertEquals("node-1", a.hostName());
        assertEquals("2026-12-06T10:00:00.000000Z", a.updatedTime());

        assertTrue(drops.next(now, Duration.ofSeconds(10)).isEmpty(), "each loss is reported once");
        sink.incrementAndGet();
        assertEquals("sink_stdout_buffer_full=1", drops.next(now, Duration.ofSeconds(10)).orElseThrow().data());

        AtomicLong failed = new AtomicLong();
        CounterAlerts failures = CounterAlerts.enforcerFailures(NODE, false, List.of(new CounterAlerts.Counter("fanotify", failed::get)));
        assertTrue(failures.next(now, Duration.ofSeconds(10)).isEmpty());
        failed.addAndGet(2);
        Alert f = failures.next(now, Duration.ofSeconds(10)).orElseThrow();
        assertEquals(TelemetryTypes.OP_ENFORCER_FAILURE, f.operation());
        assertEquals("2 enforcer decision(s) failed and were answered allow (fail-open) in the last 10 s: 2 fanotify", f.message());
    }

    /** Remembers what it delivers. */
    static final class KeepingOutput implements TelemetryOutput {
        final List<Telemetry> seen = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "keeping";
        }

        @Override
        public Flow<Telemetry, Delivery, NotUsed> deliveryFlow(ErrorReport errors) {
            return Flow.<Telemetry>create().map(r -> {
                seen.add(r);
                return Delivery.ONE;
            });
        }
    }

    @Test
    void aSinkThatDropsIsReportedToTheOthersAsASystemEvent() throws Exception {
        var hanging = new IsolatedSink(TestOutputs.hanging(), SinkSettings.defaults(10));
        var keeping = new KeepingOutput();
        var kept = new IsolatedSink(keeping, SinkSettings.defaults(10_000));
        TelemetryHub hub = TelemetryHub.start(kit.system(), List.of(hanging, kept), null);
        CounterAlerts drops = CounterAlerts.drops(NODE, List.of(new CounterAlerts.Counter("sink_hanging_buffer_full",
                () -> hanging.counters().dropped(DropReason.BUFFER_FULL))));
        for (int i = 0; i < 100; i++) hub.offer(TestRecords.log(i));
        StreamsTestKit.await("the hanging sink dropping", Duration.ofSeconds(10),
                () -> hanging.counters().dropped(DropReason.BUFFER_FULL) > 0);
        long dropped = hanging.counters().dropped(DropReason.BUFFER_FULL);
        drops.next(Instant.now(), Duration.ofSeconds(10)).ifPresent(hub::offer);
        StreamsTestKit.await("the report delivered by the other sink", Duration.ofSeconds(10),
                () -> keeping.seen.stream().anyMatch(r -> r instanceof Alert a && TelemetryTypes.OP_DROPPED.equals(a.operation())));
        Alert report = (Alert) keeping.seen.stream()
                .filter(r -> r instanceof Alert a && TelemetryTypes.OP_DROPPED.equals(a.operation())).findFirst().orElseThrow();
        assertTrue(report.data().startsWith("sink_hanging_buffer_full="), report.data());
        assertTrue(Long.parseLong(report.data().substring(report.data().indexOf('=') + 1)) >= dropped, report.data());
        hub.shutdown(Duration.ofMillis(200)).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
}
