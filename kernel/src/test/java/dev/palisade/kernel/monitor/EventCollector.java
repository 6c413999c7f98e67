package dev.palisade.kernel.monitor;

import dev.palisade.kernel.event.MonitorEvent;
import dev.palisade.kernel.event.MonitorEventDecoder;
import dev.palisade.kernel.ring.RingRecordHandler;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Decodes every record on the drain thread and keeps the events for a test to look at. */
final class EventCollector implements RingRecordHandler {
    final List<MonitorEvent> events = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();

    @Override
    public void onRecord(MemorySegment segment, long offset, int length) {
        try {
            events.add(MonitorEventDecoder.decode(segment, offset, length));
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    <T extends MonitorEvent> List<T> of(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends MonitorEvent> T await(Class<T> type, Predicate<T> match, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            for (T e : of(type)) if (match.test(e)) return e;
            Thread.sleep(10);
        }
        throw new AssertionError("no " + what + " among " + events.size() + " events: " + events);
    }
}
