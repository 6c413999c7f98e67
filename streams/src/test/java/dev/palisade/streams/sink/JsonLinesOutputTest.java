package dev.palisade.streams.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.palisade.streams.StreamsTestKit;
import dev.palisade.streams.TelemetryHub;
import dev.palisade.streams.TestRecords;
import dev.palisade.telemetry.AgentMessage;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.Telemetry;
import dev.palisade.telemetry.TelemetryJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JsonLinesOutputTest {
    private final ActorTestKit kit = StreamsTestKit.create("jsonlines-test");

    @AfterAll
    void shutdown() {
        kit.shutdownTestKit();
    }

    private static List<Telemetry> mixed(int n) {
        List<Telemetry> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(TestRecords.alert(i));
            all.add(TestRecords.log(i));
            all.add(TestRecords.hostLog(i));
            all.add(TestRecords.message(i));
        }
        return all;
    }

    private static Telemetry parse(String line, Telemetry like) throws Exception {
        return switch (like) {
            case dev.palisade.telemetry.Alert a -> TelemetryJson.readAlert(line);
            case dev.palisade.telemetry.Log l -> TelemetryJson.readLog(line);
            case AgentMessage m -> TelemetryJson.mapper().readValue(line, AgentMessage.class);
        };
    }

    @Test
    void fileLinesParseBackToEqualRecordsAndAppendKeepsOldLines(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/dir/telemetry.jsonl");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"old\":true}\n");
        var sink = new IsolatedSink(JsonLinesOutput.file(file, true, Duration.ofMillis(50)), SinkSettings.defaults(10_000));
        TelemetryHub hub = TelemetryHub.start(kit.system(), List.of(sink), null);
        List<Telemetry> sent = mixed(250);
        for (Telemetry r : sent) hub.offer(r);
        hub.shutdown(Duration.ofSeconds(10)).toCompletableFuture().get(20, TimeUnit.SECONDS);

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(sent.size() + 1, lines.size(), sink.counters() + " " + hub.counters());
        assertEquals("{\"old\":true}", lines.getFirst());
        for (int i = 0; i < sent.size(); i++) assertEquals(sent.get(i), parse(lines.get(i + 1), sent.get(i)), lines.get(i + 1));
        assertEquals(sent.size(), sink.counters().delivered());
        assertEquals(0, sink.counters().dropped());
        // KubeArmor's field names, zero values left out
        String hostLine = lines.get(3);
        assertEquals(true, hostLine.contains("\"HostName\":\"node-1\"") && !hostLine.contains("ContainerID"), hostLine);
    }

    @Test
    void aRecordJsonCannotCarryIsCountedAsFailedAndTheLinesAroundItStayWhole(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.jsonl");
        var sink = new IsolatedSink(JsonLinesOutput.file(file, false, Duration.ZERO), SinkSettings.defaults(100));
        TelemetryHub hub = TelemetryHub.start(kit.system(), List.of(sink), null);
        Log l = TestRecords.log(1);
        Log bad = new Log(l.timestamp(), l.updatedTime(), l.clusterName(), l.hostName(), l.namespaceName(), l.owner(),
                l.podName(), l.labels(), l.containerId(), l.containerName(), l.containerImage(), l.hostPpid(),
                l.hostPid(), l.ppid(), l.pid(), l.uid(), l.parentProcessName(), l.processName(), l.type(), l.source(),
                l.operation(), "/tmp/\uD800lone", l.data(), l.eventData(), l.result(), l.cwd(), l.tty());
        hub.offerAll(List.of(TestRecords.log(0), bad, TestRecords.log(2)));
        hub.shutdown(Duration.ofSeconds(10)).toCompletableFuture().get(20, TimeUnit.SECONDS);

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(2, lines.size(), lines::toString);
        assertEquals(TestRecords.log(0), TelemetryJson.readLog(lines.get(0)));
        assertEquals(TestRecords.log(2), TelemetryJson.readLog(lines.get(1)));
        assertEquals(2, sink.counters().delivered());
        assertEquals(1, sink.counters().dropped(DropReason.DELIVERY_FAILED), sink.counters()::toString);
    }

    @Test
    void truncateOnStartWhenNotAppending(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.jsonl");
        Files.writeString(file, "stale\n");
        var sink = new IsolatedSink(JsonLinesOutput.file(file, false, Duration.ZERO), SinkSettings.defaults(100));
        TelemetryHub hub = TelemetryHub.start(kit.system(), List.of(sink), null);
        hub.offer(TestRecords.alert(1));
        hub.shutdown(Duration.ofSeconds(10)).toCompletableFuture().get(20, TimeUnit.SECONDS);
        List<String> lines = Files.readAllLines(file);
        assertEquals(1, lines.size());
        assertEquals(TestRecords.alert(1), TelemetryJson.readAlert(lines.getFirst()));
    }

    @Test
    void stdoutLinesParseBackToEqualRecords() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        IsolatedSink sink;
        List<Telemetry> sent = mixed(100);
        try {
            sink = new IsolatedSink(JsonLinesOutput.stdout(Duration.ZERO), SinkSettings.defaults(10_000));
            TelemetryHub hub = TelemetryHub.start(kit.system(), List.of(sink), null);
            for (Telemetry r : sent) hub.offer(r);
            hub.shutdown(Duration.ofSeconds(10)).toCompletableFuture().get(20, TimeUnit.SECONDS);
        } finally {
            System.setOut(original);
        }
        String[] lines = captured.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(sent.size(), lines.length);
        for (int i = 0; i < sent.size(); i++) assertEquals(sent.get(i), parse(lines[i], sent.get(i)));
        assertEquals(sent.size(), sink.counters().delivered());
    }

    @Test
    void aWriteThatBlocksForeverDoesNotHoldUpShutdownAndItsRecordsAreCounted() throws Exception {
        var entered = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        java.io.OutputStream stuck = new java.io.OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                entered.countDown();
                try {
                    release.await(); // a reader of stdout that never reads
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        var sink = new IsolatedSink(new JsonLinesOutput("stuck", first -> stuck, Duration.ZERO), SinkSettings.defaults(1000));
        TelemetryHub hub = TelemetryHub.start(kit.system(), List.of(sink), null);
        try {
            hub.offerAll(mixed(10));
            assertEquals(true, entered.await(10, TimeUnit.SECONDS), "the sink started writing");
            for (int i = 0; i < 5; i++) hub.offerAll(mixed(10));
            long t0 = System.nanoTime();
            hub.shutdown(Duration.ofMillis(300)).toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertEquals(true, System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "shutdown gave up on the stuck sink");
            var c = sink.counters();
            assertEquals(240, c.offered(), c.toString());
            assertEquals(c.offered(), c.delivered() + c.dropped(), "every record accounted for: " + c);
            assertEquals(240, c.dropped(DropReason.ABORTED), c.toString());
            assertEquals(false, hub.offer(TestRecords.alert(1)));
        } finally {
            release.countDown();
        }
    }
}
