package dev.palisade.streams.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.palisade.streams.StreamsTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.testkit.TestPublisher;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.apache.pekko.stream.testkit.javadsl.TestSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CountingDropBufferTest {
    private final ActorTestKit kit = StreamsTestKit.create("buffer-test");

    @AfterAll
    void shutdown() {
        kit.shutdownTestKit();
    }

    @Test
    void keepsTheOldestDropsAndCountsTheNewestAndNeverBackpressures() {
        SinkCounters counters = new SinkCounters("t");
        var pair = TestSource.<Integer>probe(kit.system().classicSystem())
                .via(Flow.fromGraph(new CountingDropBuffer<Integer>(3, counters)))
                .toMat(TestSink.probe(kit.system().classicSystem()), org.apache.pekko.stream.javadsl.Keep.both())
                .run(kit.system());
        TestPublisher.Probe<Integer> pub = pair.first();
        TestSubscriber.Probe<Integer> sub = pair.second();
        sub.ensureSubscription();
        // No downstream demand at all: the buffer must still take all 10 (3 kept, 7 dropped).
        for (int i = 1; i <= 10; i++) pub.sendNext(i);
        awaitOffered(counters, 10);
        assertEquals(10, counters.offered());
        assertEquals(7, counters.dropped(DropReason.BUFFER_FULL));
        assertEquals(3, counters.queueDepth());
        sub.request(5);
        sub.expectNext(1, 2, 3);
        pub.sendComplete();
        sub.expectComplete();
        assertEquals(0, counters.queueDepth());
    }

    private static void awaitOffered(SinkCounters c, long n) {
        try {
            StreamsTestKit.await(n + " offered", java.time.Duration.ofSeconds(5), () -> c.offered() == n);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void whenDownstreamIsGoneRecordsAreCountedAsAborted() {
        SinkCounters counters = new SinkCounters("t");
        var pair = TestSource.<Integer>probe(kit.system().classicSystem())
                .via(Flow.fromGraph(new CountingDropBuffer<Integer>(10, counters)))
                .toMat(TestSink.probe(kit.system().classicSystem()), org.apache.pekko.stream.javadsl.Keep.both())
                .run(kit.system());
        TestPublisher.Probe<Integer> pub = pair.first();
        TestSubscriber.Probe<Integer> sub = pair.second();
        sub.ensureSubscription();
        pub.sendNext(1);
        pub.sendNext(2);
        awaitOffered(counters, 2);
        sub.cancel();
        pub.sendNext(3);
        awaitOffered(counters, 3);
        assertEquals(3, counters.offered());
        assertEquals(3, counters.dropped(DropReason.ABORTED));
        pub.sendComplete();
    }

    @Test
    void batchesCountAsTheirRecordsAgainstCapacityAndInEveryCounter() {
        SinkCounters counters = new SinkCounters("t");
        var pair = TestSource.<java.util.List<Integer>>probe(kit.system().classicSystem())
                .via(Flow.fromGraph(new CountingDropBuffer<java.util.List<Integer>>(10, counters, java.util.List::size)))
                .toMat(TestSink.probe(kit.system().classicSystem()), org.apache.pekko.stream.javadsl.Keep.both())
                .run(kit.system());
        var pub = pair.first();
        var sub = pair.second();
        sub.ensureSubscription();
        pub.sendNext(java.util.List.of(1, 2, 3, 4));
        pub.sendNext(java.util.List.of(5, 6, 7, 8));
        pub.sendNext(java.util.List.of(9, 10, 11, 12)); // 12 records would not fit in 10: the whole batch goes
        pub.sendNext(java.util.List.of(13));
        awaitOffered(counters, 13);
        assertEquals(4, counters.dropped(DropReason.BUFFER_FULL));
        assertEquals(9, counters.queueDepth());
        sub.request(10);
        sub.expectNext(java.util.List.of(1, 2, 3, 4), java.util.List.of(5, 6, 7, 8), java.util.List.of(13));
        assertEquals(0, counters.queueDepth());
        pub.sendComplete();
        sub.expectComplete();
    }
}
