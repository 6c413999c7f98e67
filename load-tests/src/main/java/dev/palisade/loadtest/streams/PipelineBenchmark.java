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
import dev.palisade.streams.pipeline.EventProcessor;
import dev.palisade.streams.pipeline.NodeIdentity;
import dev.palisade.streams.pipeline.PipelineCounters;
import dev.palisade.streams.pipeline.PipelineSettings;
import dev.palisade.streams.pipeline.RingBufferSource;
import dev.palisade.streams.sink.JsonLineEncoder;
import dev.palisade.telemetry.PodOwner;
import dev.palisade.telemetry.Telemetry;
import dev.palisade.workload.ContainerInfo;
import dev.palisade.workload.ProtectedWorkload;
import dev.palisade.workload.WorkloadSnapshot;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The event pipeline end to end: a BPF producer writes monitor-ABI file-open events into a real ring; the drain
 * thread decodes them into the pipeline; the processing stage enriches each from the published view and decides it
 * against a real rule set (a quarter are posture misses that raise alerts, throttling off); records go to a null
 * sink or are encoded as JSON lines to /dev/null (the stdout sink's work). Prints events/s, exact loss accounting
 * (produced = drained + lost in the kernel; drained = processed + dropped by the pipeline) and ring-to-sink latency.
 *
 * <pre>load-tests/pipeline-bench [seconds] [null|json] [events-per-second, 0 = as fast as possible]</pre>
 */
public final class PipelineBenchmark {
    static final long CGROUP = 4242;
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
        LatencyHistogram latency = new LatencyHistogram();
        AtomicLong processed = new AtomicLong(), records = new AtomicLong();
        AtomicBoolean measuring = new AtomicBoolean();
        OutputStream devNull = sinkKind.equals("json") ? new BufferedOutputStream(new FileOutputStream("/dev/null"), 1 << 16) : null;
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "pipeline-bench");
        Pair<RingBufferSource.Handle, java.util.concurrent.CompletionStage<org.apache.pekko.Done>> mat =
                RingBufferSource.create(1 << 16)
                        .map(e -> Pair.create(e.header().timestampNanos(), processor.process(e)))
                        .toMat(Sink.foreach(p -> {
                            for (Telemetry t : p.second()) {
                                records.incrementAndGet();
                                if (devNull != null) write(devNull, t);
                            }
                            if (measuring.getPlain()) latency.record(BootClock.bootNanos() - p.first());
                            processed.incrementAndGet();
                        }), Keep.both())
                        .run(system);
        RingBufferSource.Handle handle = mat.first();
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
                    if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            }
            configure(obj.map("bench_config"), 0, 1, 0);
        });
        Thread.sleep(3000); // warm-up (JIT), not measured
        long p0 = processed.get(), lost0 = lost.sum(), dropped0 = handle.dropped(), produced0 = sequence(obj.map("bench_seq"));
        long t0 = System.nanoTime();
        measuring.set(true);
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        long p1 = processed.get(), lost1 = lost.sum(), dropped1 = handle.dropped(), produced1 = sequence(obj.map("bench_seq"));
        long t1 = System.nanoTime();
        stop.set(true);
        producer.join();
        Thread.sleep(500);
        while (reader.pendingBytes() > 0 || handle.depth() > 0) Thread.sleep(50);
        Thread.sleep(200);
        long produced = sequence(obj.map("bench_seq"));
        reader.close();
        handle.complete();
        mat.second().toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (devNull != null) devNull.flush();
        system.terminate();

        double perSecond = (p1 - p0) / ((t1 - t0) / 1e9);
        long drained = reader.stats().records();
        System.out.printf("pipeline benchmark, sink=%s, producer %s%n", sinkKind, rate == 0 ? "flat out" : rate + " events/s");
        System.out.printf("  throughput: %.2f M events/s (ring -> decode -> enrich -> match -> %s)%n", perSecond / 1e6, sinkKind);
        System.out.printf("  measured window: produced %d, lost in kernel %d, dropped by the pipeline %d (%.4f%% of produced)%n",
                produced1 - produced0, lost1 - lost0, dropped1 - dropped0,
                100.0 * ((lost1 - lost0) + (dropped1 - dropped0)) / Math.max(1, produced1 - produced0));
        System.out.printf("  accounting: produced %d = drained %d + lost in kernel %d (%s); drained = processed %d + dropped %d + malformed %d (%s)%n",
                produced, drained, lost.sum(), produced == drained + lost.sum() ? "exact" : "MISMATCH",
                processed.get(), handle.dropped(), handle.malformed(),
                drained == processed.get() + handle.dropped() + handle.malformed() ? "exact" : "MISMATCH");
        System.out.printf("  records out: %d (logs %d, alerts %d)%n", records.get(), counters.logs(), counters.alerts());
        System.out.printf("  ring-to-sink latency: p50 %.1f us, p99 %.1f us, p99.9 %.1f us (%d events in the window)%n",
                latency.percentile(0.5) / 1e3, latency.percentile(0.99) / 1e3, latency.percentile(0.999) / 1e3, latency.count());
    }

    static void write(OutputStream out, Telemetry t) {
        try {
            JsonLineEncoder.writeLine(t, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
