package dev.palisade.loadtest.streams;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.palisade.bpf.BpfObjectResource;
import dev.palisade.kernel.bpf.BpfMap;
import dev.palisade.kernel.bpf.BpfObject;
import dev.palisade.kernel.bpf.PerCpuCounter;
import dev.palisade.kernel.event.EventLayout;
import dev.palisade.kernel.ffm.Libc;
import dev.palisade.kernel.ring.RingBufferReader;
import dev.palisade.kernel.ring.RingSelftest;
import dev.palisade.kernel.sys.BootClock;
import dev.palisade.kernel.sys.KernelFilesystem;
import dev.palisade.kernel.sys.KernelFilesystems;
import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.compile.PathAliases;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.RuleSet;
import dev.palisade.policy.compile.RuleSetCompiler;
import dev.palisade.policy.compile.Scope;
import dev.palisade.policy.load.PolicyLoader;
import dev.palisade.streams.TelemetryHub;
import dev.palisade.streams.pipeline.EventPipeline;
import dev.palisade.streams.pipeline.EventProcessor;
import dev.palisade.streams.pipeline.NodeIdentity;
import dev.palisade.streams.pipeline.PipelineCounters;
import dev.palisade.streams.pipeline.PipelineSettings;
import dev.palisade.streams.pipeline.RingBufferSource;
import dev.palisade.streams.sink.Delivery;
import dev.palisade.streams.sink.IsolatedSink;
import dev.palisade.streams.sink.JsonLinesOutput;
import dev.palisade.streams.sink.SinkSettings;
import dev.palisade.streams.sink.TelemetryOutput;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.PodOwner;
import dev.palisade.telemetry.Telemetry;
import dev.palisade.workload.ContainerInfo;
import dev.palisade.workload.ProtectedWorkload;
import dev.palisade.workload.WorkloadSnapshot;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * The event pipeline end to end, as the agent wires it: a BPF producer writes monitor-ABI file-open events into a
 * real ring; the drain thread decodes them into {@link EventPipeline}; the processing stage enriches each from the
 * published view and decides it against a real rule set (a quarter are posture misses that raise alerts, throttling
 * off); every record goes through the {@link TelemetryHub} into one {@link IsolatedSink}: a null output (the
 * baseline) or JSON lines into /dev/null (the stdout sink's work). Prints events/s, exact loss accounting at every
 * stage (kernel, source, hub, sink) and ring-to-sink latency.
 *
 * <pre>load-tests/pipeline-bench [seconds] [null|json] [events-per-second, 0 = as fast as possible]</pre>
 */
public final class PipelineBenchmark {
    static final long CGROUP = 4242;
    /**
     * Until C2 has compiled the hot paths the pipeline runs below the offered rate and builds a backlog; the first
     * second after a 3 s warm-up still drained it (p99 70 ms in that second, under 10 ms after). The window starts
     * once that has settled.
     */
    static final long WARM_UP_MILLIS = 8000;
    static final String[] PATHS = {"/var/www/html/index.html", "/etc/nginx/nginx.conf",
            "/usr/lib/x86_64-linux-gnu/libc.so.6", "/etc/shadow"};
    static final String POLICY = """
            apiVersion: security.kubearmor.com/v1
            kind: KubeArmorPolicy
            metadata: {name: nginx-files, namespace: default}
            spec:
              selector: {matchLabels: {app: nginx}}
              file:
                matchDirectories:
                - {dir: /var/www/, recursive: true, readOnly: true}
                - {dir: /etc/nginx/, recursive: true, readOnly: true}
                - {dir: /usr/lib/, recursive: true, readOnly: true}
                - {dir: /proc/, recursive: true}
                matchPaths:
                - {path: /var/log/nginx/access.log}
              action: Allow
            """;

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        String sink = args.length > 1 ? args[1] : "null";
        long rate = args.length > 2 ? Long.parseLong(args[2]) : 0;
        try (KernelFilesystems fs = KernelFilesystems.ensure(Set.of(KernelFilesystem.TRACEFS));
             BpfObject obj = BpfObject.open(BpfObjectResource.PIPELINE_BENCH)) {
            obj.map("events").setMaxEntries(1 << 25);
            obj.load();
            obj.attachAll();
            fillTemplates(obj.map("bench_templates"));
            run(obj, seconds, sink, rate);
        }
    }

    static void run(BpfObject obj, int seconds, String sinkKind, long rate) throws Exception {
        ContainerInfo nginx = new ContainerInfo("3f2c".repeat(16), "nginx", "nginx:1.27", "default", "nginx-1", "uid-1",
                Map.of("app", "nginx"), new PodOwner("Deployment", "nginx", "default"), CGROUP, "/kubepods/x", 1, "/");
        RuleSet rules = RuleSetCompiler.compile(Scope.CONTAINER, PolicyLoader.loadText("p.yaml", POLICY).policies(),
                Posture.AUDIT, PathAliases.NONE);
        WorkloadSnapshot snapshot = WorkloadSnapshot.EMPTY.with(new ProtectedWorkload(nginx, rules));
        PipelineCounters counters = new PipelineCounters();
        PipelineSettings settings = new PipelineSettings(1 << 16, true, 0, 30, 4096, Set.of(OperationClass.PROCESS), "eBPF Monitor");
        EventProcessor processor = new EventProcessor(() -> snapshot, settings, new NodeIdentity("default", "node-1"),
                BootClock.now(), 1, counters, System::nanoTime);

        PerCpuCounter lost = new PerCpuCounter(obj.map("events_lost"), 0);
        LatencyProbe probe = new LatencyProbe(switch (sinkKind) {
            case "null" -> new NullOutput();
            case "json" -> JsonLinesOutput.file(Path.of("/dev/null"), true, Duration.ofSeconds(1));
            default -> throw new IllegalArgumentException("sink is null or json, not " + sinkKind);
        });
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "pipeline-bench");
        IsolatedSink sink = new IsolatedSink(probe, SinkSettings.defaults(1 << 16));
        TelemetryHub hub = TelemetryHub.start(system, List.of(sink), null);
        EventPipeline pipeline = EventPipeline.start(system, processor, counters, settings.bufferSize(), hub.batchSink());
        RingBufferSource.Handle handle = pipeline.handle();
        RingBufferReader reader = RingBufferReader.open("pipeline-bench", obj.map("events"), lost::sum,
                RingBufferReader.Options.defaults());
        reader.start(handle);

        AtomicBoolean stop = new AtomicBoolean();
        int perCall = 64;
        Thread producer = Thread.ofPlatform().name("producer").start(() -> {
            configure(obj.map("bench_config"), Libc.gettid(), perCall, 256 << 10);
            long start = System.nanoTime(), calls = 0;
            while (!stop.get()) {
                RingSelftest.callGetpid(1);
                calls++;
                if (rate > 0) {
                    long due = start + (long) (calls * perCall * 1e9 / rate);
                    // park, never spin: on two cores a spinning producer would steal the pipeline's CPU
                    long wait = due - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                }
            }
            configure(obj.map("bench_config"), 0, 1, 0);
        });
        Thread.sleep(WARM_UP_MILLIS); // JIT compilation and the backlog it leaves behind, not measured
        Window before = Window.take(obj, lost, handle, counters, hub, sink);
        probe.measuring = true;
        Thread.sleep(seconds * 1000L);
        probe.measuring = false;
        Window after = Window.take(obj, lost, handle, counters, hub, sink);
        stop.set(true);
        producer.join();
        Thread.sleep(500);
        while (reader.pendingBytes() > 0 || handle.depth() > 0 || sink.counters().inFlight() > 0) {
            Thread.sleep(50);
        }
        long produced = sequence(obj.map("bench_seq"));
        reader.close();
        pipeline.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
        hub.shutdown(Duration.ofSeconds(10)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        system.terminate();

        double secs = (after.nanos - before.nanos) / 1e9;
        long drained = reader.stats().records();
        long records = counters.logs() + counters.alerts();
        System.out.printf("pipeline benchmark, sink=%s, producer %s%n", sinkKind, rate == 0 ? "flat out" : rate + " events/s");
        System.out.printf("  throughput: %.2f M events/s processed, %.2f M records/s delivered by the %s sink%n",
                (after.processed - before.processed) / secs / 1e6, (after.delivered - before.delivered) / secs / 1e6, sinkKind);
        long windowProduced = after.produced - before.produced;
        long windowLost = (after.kernelLost - before.kernelLost) + (after.sourceDropped - before.sourceDropped)
                + (after.hubDropped - before.hubDropped) + (after.sinkDropped - before.sinkDropped);
        System.out.printf("  measured window: produced %d; lost in kernel %d, dropped at the source %d, at the hub %d, at the sink %d (%.4f%%)%n",
                windowProduced, after.kernelLost - before.kernelLost, after.sourceDropped - before.sourceDropped,
                after.hubDropped - before.hubDropped, after.sinkDropped - before.sinkDropped,
                100.0 * windowLost / Math.max(1, windowProduced));
        System.out.printf("  whole run: produced %d = drained %d + lost in kernel %d (%s); drained = processed %d + dropped %d + malformed %d (%s)%n",
                produced, drained, lost.sum(), produced == drained + lost.sum() ? "exact" : "MISMATCH",
                counters.events(), handle.dropped(), handle.malformed(),
                drained == counters.events() + handle.dropped() + handle.malformed() ? "exact" : "MISMATCH");
        System.out.printf("  records: %d (logs %d, alerts %d) = hub dropped %d + sink offered %d (%s); sink offered = delivered %d + dropped %d (%s)%n",
                records, counters.logs(), counters.alerts(), hub.counters().dropped(), sink.counters().offered(),
                records == hub.counters().dropped() + sink.counters().offered() ? "exact" : "MISMATCH",
                sink.counters().delivered(), sink.counters().dropped(),
                sink.counters().offered() == sink.counters().delivered() + sink.counters().dropped() ? "exact" : "MISMATCH");
        LatencyHistogram latency = probe.histogram;
        System.out.printf("  ring-to-sink latency: p50 %.1f us, p99 %.1f us, p99.9 %.1f us (%d sampled records in the window)%n",
                latency.percentile(0.5) / 1e3, latency.percentile(0.99) / 1e3, latency.percentile(0.999) / 1e3, latency.count());
    }

    /** Counters at one instant. */
    record Window(long nanos, long produced, long kernelLost, long sourceDropped, long processed, long hubDropped,
                  long sinkDropped, long delivered) {
        static Window take(BpfObject obj, PerCpuCounter lost, RingBufferSource.Handle handle, PipelineCounters counters,
                           TelemetryHub hub, IsolatedSink sink) {
            return new Window(System.nanoTime(), sequence(obj.map("bench_seq")), lost.sum(), handle.dropped(),
                    counters.events(), hub.counters().dropped(), sink.counters().dropped(), sink.counters().delivered());
        }
    }

    /** The baseline sink: takes every record, delivers it nowhere. */
    static final class NullOutput implements TelemetryOutput {
        @Override
        public String name() {
            return "null";
        }

        @Override
        public Flow<Telemetry, Delivery, NotUsed> deliveryFlow(ErrorReport errors) {
            return Flow.<Telemetry>create().map(r -> Delivery.ONE);
        }

        @Override
        public Flow<List<Telemetry>, Delivery, NotUsed> batchDeliveryFlow(ErrorReport errors) {
            return Flow.<List<Telemetry>>create().map(batch -> Delivery.of(batch.size(), 0));
        }
    }

    /**
     * Samples the age of every 16th record as it enters the sink's delivery stage: now minus its UpdatedTime, which
     * the pipeline derived from the kernel's timestamp (microsecond precision, wall clock).
     */
    static final class LatencyProbe implements TelemetryOutput {
        final TelemetryOutput inner;
        final LatencyHistogram histogram = new LatencyHistogram();
        volatile boolean measuring;
        private long seen;

        LatencyProbe(TelemetryOutput inner) {
            this.inner = inner;
        }

        @Override
        public boolean blocking() {
            return inner.blocking();
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public Flow<Telemetry, Delivery, NotUsed> deliveryFlow(ErrorReport errors) {
            return Flow.<Telemetry>create().map(r -> {
                sample(r);
                return r;
            }).via(inner.deliveryFlow(errors));
        }

        @Override
        public Flow<List<Telemetry>, Delivery, NotUsed> batchDeliveryFlow(ErrorReport errors) {
            return Flow.<List<Telemetry>>create().map(batch -> {
                for (Telemetry r : batch) sample(r);
                return batch;
            }).via(inner.batchDeliveryFlow(errors));
        }

        private void sample(Telemetry r) {
            // Sampled during the warm-up too (and thrown away): the parsing is compiled before the window opens.
            if ((++seen & 15) == 0) {
                String t = r instanceof Log l ? l.updatedTime() : r instanceof Alert a ? a.updatedTime() : null;
                if (t != null) {
                    Instant now = Instant.now();
                    long ns = (now.getEpochSecond() * 1_000_000 + now.getNano() / 1000 - epochMicros(t)) * 1000;
                    if (measuring) histogram.record(ns);
                }
            }
        }

        private String lastPrefix;
        private long lastPrefixSeconds;

        /**
         * KubeArmor's UpdatedTime ({@code 2026-12-06T01:41:06.185294Z}) as epoch microseconds. This runs on the sink's
         * own thread for every 16th record, so it must cost far less than a general parser: the date and time up to
         * the second are parsed once per second, the microseconds are six digits.
         */
        private long epochMicros(String t) {
            if (lastPrefix == null || !t.regionMatches(0, lastPrefix, 0, 19)) {
                lastPrefix = t.substring(0, 19);
                lastPrefixSeconds = Instant.parse(lastPrefix + "Z").getEpochSecond();
            }
            int micros = 0;
            for (int i = 20; i < 26; i++) micros = micros * 10 + (t.charAt(i) - '0');
            return lastPrefixSeconds * 1_000_000 + micros;
        }
    }

    static void fillTemplates(BpfMap templates) {
        try (Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < PATHS.length; i++) {
                MemorySegment v = arena.allocate(EventLayout.FILE);
                long h = EventLayout.FILE.byteOffset(groupElement("hdr"));
                v.set(JAVA_SHORT, h + EventLayout.HEADER.byteOffset(groupElement("kind")), (short) 3);
                v.set(JAVA_SHORT, h + EventLayout.HEADER.byteOffset(groupElement("abi")), (short) EventLayout.ABI_VERSION);
                v.set(JAVA_INT, h + EventLayout.HEADER.byteOffset(groupElement("size")), (int) EventLayout.FILE.byteSize());
                v.set(JAVA_LONG, h + EventLayout.HEADER.byteOffset(groupElement("cgroup_id")), CGROUP);
                v.set(JAVA_INT, h + EventLayout.HEADER.byteOffset(groupElement("pid")), 1);
                v.set(JAVA_INT, h + EventLayout.HEADER.byteOffset(groupElement("tid")), 1);
                v.set(JAVA_INT, h + EventLayout.HEADER.byteOffset(groupElement("ns_pid")), 1);
                v.set(JAVA_INT, h + EventLayout.HEADER.byteOffset(groupElement("mnt_ns")), 7);
                v.setString(h + EventLayout.HEADER.byteOffset(groupElement("comm")), "nginx");
                v.set(JAVA_INT, EventLayout.FILE.byteOffset(groupElement("dirfd")), -100);
                v.set(JAVA_INT, EventLayout.FILE.byteOffset(groupElement("flags")), 02000000);
                v.set(JAVA_SHORT, EventLayout.FILE.byteOffset(groupElement("syscall")), (short) 2);
                byte[] p = PATHS[i].getBytes(StandardCharsets.UTF_8);
                v.set(JAVA_SHORT, EventLayout.FILE.byteOffset(groupElement("path_len")), (short) (p.length + 1));
                v.setString(EventLayout.FILE.byteOffset(groupElement("path")), PATHS[i]);
                templates.update(arena.allocateFrom(JAVA_INT, i), v, BpfMap.ANY);
            }
        }
    }

    static void configure(BpfMap config, int tid, int perCall, long wakeupThreshold) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(RingSelftest.CONFIG);
            v.set(JAVA_INT, RingSelftest.CONFIG.byteOffset(groupElement("target_tid")), tid);
            v.set(JAVA_INT, RingSelftest.CONFIG.byteOffset(groupElement("records_per_call")), perCall);
            v.set(JAVA_LONG, RingSelftest.CONFIG.byteOffset(groupElement("wakeup_threshold")), wakeupThreshold);
            config.update(arena.allocateFrom(JAVA_INT, 0), v, BpfMap.ANY);
        }
    }

    static long sequence(BpfMap seq) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_LONG);
            seq.lookup(arena.allocateFrom(JAVA_INT, 0), v);
            return v.get(JAVA_LONG, 0);
        }
    }
}
