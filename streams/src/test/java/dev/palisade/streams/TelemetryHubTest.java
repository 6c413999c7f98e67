package dev.palisade.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.streams.sink.Delivery;
import dev.palisade.streams.sink.DropReason;
import dev.palisade.streams.sink.IsolatedSink;
import dev.palisade.streams.sink.SinkSettings;
import dev.palisade.streams.sink.TelemetryOutput;
import dev.palisade.telemetry.Telemetry;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Flow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TelemetryHubTest {
    private final ActorTestKit kit = StreamsTestKit.create("hub-test");

    @AfterAll
    void shutdown() {
        kit.shutdownTestKit();
    }

    /** Delivers instantly and remembers how many. */
    static final class CountingOutput implements TelemetryOutput {
        final AtomicLong seen = new AtomicLong();
        final String name;

        CountingOutput(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Flow<Telemetry, Delivery, NotUsed> deliveryFlow(ErrorReport errors) {
            return Flow.<Telemetry>create().map(r -> {
                seen.incrementAndGet();
                return Delivery.ONE;
            });
        }
    }

    /** Crashes on every 1000th record it sees. */
    static final class CrashingOutput implements TelemetryOutput {
        final AtomicLong seen = new AtomicLong();

        @Override
        public String name() {
            return "crashing";
        }

        @Override
        public Flow<Telemetry, Delivery, NotUsed> deliveryFlow(ErrorReport errors) {
            return Flow.<Telemetry>create().map(r -> {
                if (seen.incrementAndGet() % 1000 == 0) throw new IllegalStateException("simulated crash");
                return Delivery.ONE;
            });
        }
    }

    private static SinkSettings settings(int buffer) {
        return SinkSettings.defaults(buffer).withBackoff(Duration.ofMillis(10), Duration.ofMillis(50));
    }

    @Test
    void aHangingSinkStallsNeitherTheHubNorAFastSinkAndItsLossesAreCountedExactly() throws Exception {
        var fast = new CountingOutput("fast");
        var fastSink = new IsolatedSink(fast, settings(100_000));
        var hangingSink = new IsolatedSink(TestOutputs.hanging(), settings(100));
        TelemetryHub hub = TelemetryHub.start(kit.system(), List.of(fastSink, hangingSink), null);
        int n = 20_000;
        for (int i = 0; i < n; i++) assertTrue(hub.offer(TestRecords.alert(i)), "hub refused record " + i);

        StreamsTestKit.await("fast sink delivering all", Duration.ofSeconds(20), () -> fast.seen.get() == n);
        StreamsTestKit.await("hanging sink seeing all", Duration.ofSeconds(20),
                () -> hangingSink.counters().offered() == n);
        assertEquals(0, hangingSink.counters().delivered());
        assertTrue(hangingSink.counters().dropped(DropReason.BUFFER_FULL) >= n - 200,
                "the hanging sink must drop what its buffer cannot hold: " + hangingSink.counters());

        hub.shutdown(Duration.ofMillis(500)).toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertEquals(n, hub.counters().offered());
        assertEquals(0, hub.counters().dropped());
        for (IsolatedSink s : hub.sinks()) {
            var c = s.counters();
            assertEquals(n, c.offered(), c.toString());
            assertEquals(c.offered(), c.delivered() + c.dropped(), "offered = delivered + dropped: " + c);
        }
        assertEquals(n, fastSink.counters().delivered());
        assertTrue(hangingSink.counters().dropped(DropReason.ABORTED) >= 1, hangingSink.counters().toString());
        assertFalse(hub.offer(TestRecords.alert(0)), "a closed hub refuses records");
        assertEquals(1, hub.counters().dropped());
    }

    @Test
    void aCrashingSinkRestartsAndCountsWhatItLost() throws Exception {
        var crashing = new CrashingOutput();
        var sink = new IsolatedSink(crashing, settings(100_000));
        TelemetryHub hub = TelemetryHub.start(kit.system(), List.of(sink), null);
        int n = 5_000;
        for (int i = 0; i < n; i++) hub.offer(TestRecords.log(i));
        StreamsTestKit.await("crashing sink settling everything", Duration.ofSeconds(30),
                () -> sink.counters().offered() == n && sink.counters().inFlight() == 0);
        hub.shutdown(Duration.ofSeconds(5)).toCompletableFuture().get(20, TimeUnit.SECONDS);
        var c = sink.counters();
        assertEquals(n, c.offered());
        assertEquals(n, c.delivered() + c.dropped(), c.toString());
        assertTrue(c.restarts() >= 4, "restarted after each crash: " + c);
        assertTrue(c.dropped(DropReason.ABORTED) >= 5, "each crash loses the record inside: " + c);
        assertTrue(c.errors() >= 5, c.toString());
    }

    @Test
    void sinksOnlySeeTheKindsTheyAskFor() throws Exception {
        var alertsOnly = new CountingOutput("alerts-only");
        var sink = new IsolatedSink(alertsOnly, settings(1000).withKinds(EnumSet.of(TelemetryKind.ALERTS)));
        var all = new CountingOutput("all");
        var allSink = new IsolatedSink(all, settings(1000).withKinds(Set.of(TelemetryKind.values())));
        TelemetryHub hub = TelemetryHub.start(kit.system(), List.of(sink, allSink), null);
        for (int i = 0; i < 10; i++) {
            hub.offer(TestRecords.alert(i));
            hub.offer(TestRecords.log(i));
            hub.offer(TestRecords.message(i));
        }
        hub.shutdown(Duration.ofSeconds(5)).toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertEquals(10, alertsOnly.seen.get());
        assertEquals(30, all.seen.get());
        assertEquals(10, sink.counters().offered());
    }

    @Test
    void batchesAreCountedInRecordsAndAClosedHubRefusesAWholeBatch() throws Exception {
        var out = new CountingOutput("batches");
        var sink = new IsolatedSink(out, settings(10_000));
        TelemetryHub hub = TelemetryHub.start(kit.system(), List.of(sink), null);
        int sent = 0;
        for (int size = 1; size <= 60; size++) {
            List<Telemetry> batch = new java.util.ArrayList<>();
            for (int i = 0; i < size; i++) batch.add(TestRecords.log(sent++));
            assertTrue(hub.offerAll(batch));
        }
        assertTrue(hub.offerAll(List.of()), "an empty batch is accepted and counts nothing");
        int total = sent;
        StreamsTestKit.await("all delivered", Duration.ofSeconds(10), () -> out.seen.get() == total);
        hub.shutdown(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(total, hub.counters().offered());
        assertEquals(0, hub.counters().dropped());
        assertEquals(total, sink.counters().delivered());
        assertEquals(0, sink.counters().queueDepth());

        assertFalse(hub.offerAll(List.of(TestRecords.log(1), TestRecords.alert(2), TestRecords.message(3))));
        assertEquals(total + 3, hub.counters().offered());
        assertEquals(3, hub.counters().dropped());
    }

    @Test
    void aBatchThatDoesNotFitASinksBufferIsDroppedWholeByThatSinkAlone() throws Exception {
        var small = new IsolatedSink(new CountingOutput("small"), settings(5));
        var large = new IsolatedSink(new CountingOutput("large"), settings(100));
        TelemetryHub hub = TelemetryHub.start(kit.system(), List.of(small, large), null);
        List<Telemetry> six = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) six.add(TestRecords.alert(i));
        assertTrue(hub.offerAll(six), "the hub takes it; each sink decides");
        assertEquals(6, small.counters().dropped(DropReason.BUFFER_FULL));
        assertTrue(hub.offerAll(six.subList(0, 5)));
        hub.shutdown(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(5, small.counters().delivered());
        assertEquals(11, small.counters().offered());
        assertEquals(11, large.counters().delivered());
        assertEquals(0, hub.counters().dropped());
    }
}
