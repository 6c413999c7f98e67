package dev.palisade.streams.pipeline;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.palisade.kernel.event.EventKind;
import dev.palisade.kernel.event.EventLayout;
import dev.palisade.kernel.event.FileOpen;
import dev.palisade.kernel.event.FileSyscall;
import dev.palisade.kernel.event.MonitorEvent;
import dev.palisade.streams.StreamsTestKit;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The drain-thread side of the pipeline, fed records as the ring reader hands them over. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RingBufferSourceTest {
    private final ActorTestKit kit = StreamsTestKit.create("ring-source-test");
    private final Arena arena = Arena.ofShared();

    @AfterAll
    void shutdown() {
        kit.shutdownTestKit();
    }

    private MemorySegment open(String path) {
        MemorySegment r = arena.allocate(EventLayout.FILE);
        r.set(JAVA_SHORT, EventLayout.HEADER.byteOffset(groupElement("kind")), (short) EventKind.FILE_OPEN.code());
        r.set(JAVA_SHORT, EventLayout.HEADER.byteOffset(groupElement("abi")), (short) EventLayout.ABI_VERSION);
        r.set(JAVA_INT, EventLayout.HEADER.byteOffset(groupElement("size")), (int) EventLayout.FILE.byteSize());
        byte[] b = (path + "\0").getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(b, 0, r, JAVA_BYTE, EventLayout.FILE.byteOffset(groupElement("path")), b.length);
        r.set(JAVA_SHORT, EventLayout.FILE.byteOffset(groupElement("path_len")), (short) b.length);
        r.set(JAVA_SHORT, EventLayout.FILE.byteOffset(groupElement("syscall")), (short) FileSyscall.OPENAT.code());
        return r;
    }

    private void feed(RingBufferSource.Handle h, MemorySegment record) {
        h.onRecord(record, 0, (int) record.byteSize());
    }

    private static String path(MonitorEvent e) {
        return ((FileOpen) e).path();
    }

    @Test
    void aDrainPassBecomesOneBatchInRingOrder() {
        var mat = RingBufferSource.create(100).toMat(TestSink.probe(kit.system().classicSystem()), Keep.both()).run(kit.system());
        RingBufferSource.Handle h = mat.first();
        TestSubscriber.Probe<List<MonitorEvent>> sub = mat.second();
        sub.request(10);
        feed(h, open("/a"));
        feed(h, open("/b"));
        feed(h, open("/c"));
        h.onBatchEnd();
        List<MonitorEvent> batch = sub.expectNext();
        assertEquals(List.of("/a", "/b", "/c"), batch.stream().map(RingBufferSourceTest::path).toList());
        h.onBatchEnd(); // an empty pass sends nothing
        feed(h, open("/d"));
        h.onBatchEnd();
        assertEquals("/d", path(sub.expectNext().getFirst()));
        assertEquals(4, h.offered());
        assertEquals(0, h.dropped());
        h.complete();
        sub.expectComplete();
    }

    @Test
    void aLongPassIsCutIntoBatchesOfAtMostMaxBatch() {
        var mat = RingBufferSource.create(10_000).toMat(TestSink.probe(kit.system().classicSystem()), Keep.both()).run(kit.system());
        RingBufferSource.Handle h = mat.first();
        var sub = mat.second();
        sub.request(10);
        MemorySegment r = open("/x");
        for (int i = 0; i < RingBufferSource.MAX_BATCH * 2 + 5; i++) feed(h, r);
        h.onBatchEnd();
        assertEquals(RingBufferSource.MAX_BATCH, sub.expectNext().size());
        assertEquals(RingBufferSource.MAX_BATCH, sub.expectNext().size());
        assertEquals(5, sub.expectNext().size());
        h.complete();
        sub.expectComplete();
    }

    @Test
    void aFullQueueDropsAndCountsEventsWithoutDecodingThem() {
        var mat = RingBufferSource.create(4).toMat(TestSink.probe(kit.system().classicSystem()), Keep.both()).run(kit.system());
        RingBufferSource.Handle h = mat.first();
        var sub = mat.second();
        sub.ensureSubscription(); // no demand: what is offered stays queued
        for (int i = 0; i < 4; i++) feed(h, open("/kept" + i));
        h.onBatchEnd();
        assertEquals(4, h.depth());
        MemorySegment garbage = arena.allocate(8); // would be malformed if it were decoded
        feed(h, garbage);
        feed(h, open("/late"));
        h.onBatchEnd();
        assertEquals(6, h.offered());
        assertEquals(2, h.dropped());
        assertEquals(0, h.malformed(), "a record refused for a full queue is not decoded");

        sub.request(1);
        assertEquals(4, sub.expectNext().size());
        feed(h, garbage);
        h.onBatchEnd();
        assertEquals(1, h.malformed(), "with room again, records are decoded (and bad ones counted)");
        h.complete();
        sub.expectComplete();
    }
}
