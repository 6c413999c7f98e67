package dev.palisade.agent.run;

import com.typesafe.config.Config;
import dev.palisade.actors.MonitorVisibility;
import dev.palisade.actors.Node;
import dev.palisade.actors.NodeSettings;
import dev.palisade.kernel.enforce.AuditOnlyEnforcer;
import dev.palisade.kernel.enforce.EnforcementEvent;
import dev.palisade.kernel.enforce.Enforcer;
import dev.palisade.kernel.enforce.EnforcerKind;
import dev.palisade.kernel.event.OperationClass;
import dev.palisade.kernel.fanotify.FanotifyEnforcer;
import dev.palisade.kernel.monitor.Monitor;
import dev.palisade.kernel.probe.NodeCapabilities;
import dev.palisade.kernel.probe.NodeProbe;
import dev.palisade.kernel.ring.RingBufferReader;
import dev.palisade.kernel.sys.BootClock;
import dev.palisade.kernel.sys.KernelFilesystems;
import dev.palisade.kernel.sys.Namespaces;
import dev.palisade.streams.TelemetryOutputs;
import dev.palisade.streams.grpc.FeederSubscribers;
import dev.palisade.streams.sink.DropReason;
import dev.palisade.streams.sink.IsolatedSink;
import dev.palisade.streams.metrics.MetricsServer;
import dev.palisade.streams.metrics.Readiness;
import dev.palisade.streams.pipeline.CounterAlerts;
import dev.palisade.streams.pipeline.EnforcementAlerts;
import dev.palisade.streams.pipeline.EventPipeline;
import dev.palisade.streams.pipeline.EventProcessor;
import dev.palisade.streams.pipeline.NodeIdentity;
import dev.palisade.streams.pipeline.PipelineCounters;
import dev.palisade.streams.pipeline.PipelineSettings;
import dev.palisade.telemetry.AgentMessage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Palisade node agent: probes the node, mounts what the kernel programs need, chooses the enforcer, loads
 * the monitor, starts the event pipeline and the outputs, then the actors in the configured mode (standalone: policies
 * from a directory; Kubernetes: pods, namespaces, the node and policies from the API server, whose access is checked
 * meanwhile); ready once the sources have synced and every container's rules are in force. {@link #close()} undoes
 * all of it in reverse order.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final List<AutoCloseable> stack = new ArrayList<>();
    private ActorSystem<Void> system;
    private TelemetryOutputs outputs;
    private MetricsServer metrics;
    private EnforcerKind enforcerKind;
    private NodeCapabilities capabilities;
    private Node node;
    private final Readiness readiness = new Readiness();

    private Agent() {}

    public static Agent start(Config config) throws Exception {
        Agent a = new Agent();
        try {
            a.run(config);
            return a;
        } catch (Exception | Error e) {
            a.close();
            throw e;
        }
    }

    private void run(Config config) throws Exception {
        long t0 = System.nanoTime();
        AgentSettings settings = AgentSettings.from(config);
        NodeSettings nodeSettings = NodeSettings.from(config);
        boolean kubernetes = NodeSettings.KUBERNETES.equals(nodeSettings.mode());
        // An API server the agent cannot use is a start error naming the fix; checked while the kernel side starts.
        CompletableFuture<Void> apiServerAccess = kubernetes
                ? CompletableFuture.runAsync(() -> ApiServerAccess.verify(nodeSettings),
                        Thread.ofVirtual().name("palisade-api-check")::start)
                : CompletableFuture.completedFuture(null);
        // The kernel side (mounts, probe, monitor programs) loads while the JVM side (actors, HTTP and gRPC servers)
        // warms up: on two cores that is most of the start time saved.
        CompletableFuture<KernelSide> kernelStarting = CompletableFuture.supplyAsync(() -> KernelSide.start(settings),
                r -> Thread.ofPlatform().name("palisade-kernel-start").start(r));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Monitor monitor;
        try {
            system = ActorSystem.create(Behaviors.empty(), "palisade", config);
            startServers(config, registry);
        } finally {
            KernelSide kernel = join(kernelStarting); // registered for close() even when the JVM side failed
            stack.add(kernel.fs());
            stack.add(kernel.monitor());
            capabilities = kernel.capabilities();
            enforcerKind = kernel.enforcer();
            monitor = kernel.monitor();
        }

        NodeIdentity identity = new NodeIdentity(settings.clusterName(), nodeSettings.nodeName());
        Set<dev.palisade.policy.compile.OperationClass> enforced = switch (enforcerKind) {
            case BPF_LSM -> EnumSet.allOf(dev.palisade.policy.compile.OperationClass.class);
            case FANOTIFY -> EnumSet.of(dev.palisade.policy.compile.OperationClass.PROCESS,
                    dev.palisade.policy.compile.OperationClass.FILE);
            case AUDIT_ONLY -> EnumSet.noneOf(dev.palisade.policy.compile.OperationClass.class);
        };
        PipelineSettings ps = PipelineSettings.from(config, enforced, EnforcerKind.AUDIT_ONLY.alertName());
        PipelineCounters counters = new PipelineCounters();

        // Node's view is known only once the actors start; the pipeline reads it through this holder.
        ViewHolder view = new ViewHolder();
        BootClock clock = BootClock.now();
        EventProcessor processor = new EventProcessor(view, ps, identity, clock, Namespaces.hostMountNamespace(), counters,
                System::nanoTime);
        EventPipeline pipeline = EventPipeline.start(system, processor, counters, ps.bufferSize(), outputs.hub().batchSink());

        EnforcementAlerts enforcementAlerts = new EnforcementAlerts(view, identity, ps, counters, System::nanoTime);
        BoundedSourceQueue<EnforcementEvent> decisions = Source.<EnforcementEvent>queue(ps.bufferSize())
                .mapConcat(enforcementAlerts::alert)
                .to(outputs.hub().sink())
                .run(system);
        java.util.function.Consumer<EnforcementEvent> toAlerts = e -> {
            if (decisions.offer(e) != QueueOfferResult.enqueued()) counters.countDroppedDecision();
        };
        Enforcer enforcer = switch (enforcerKind) {
            case BPF_LSM -> dev.palisade.kernel.lsm.BpfLsmEnforcer.start(toAlerts);
            case FANOTIFY -> new FanotifyEnforcer(toAlerts, settings.failClosed());
            default -> new AuditOnlyEnforcer();
        };
        stack.add(enforcer);

        RingBufferReader reader = monitor.openReader(RingBufferReader.Options.defaults());
        stack.add(reader);
        reader.start(pipeline.handle());
        stack.add(() -> pipeline.stop().toCompletableFuture().get(5, TimeUnit.SECONDS));

        bindMetrics(registry, pipeline, reader, counters, enforcer);
        startCounterAlerts(config, identity, reader, pipeline, counters, enforcer, settings.failClosed());

        MonitorVisibility visibility = new MonitorVisibility() {
            @Override
            public void watch(long cgroupId) {
                monitor.visibility().set(cgroupId, EnumSet.of(OperationClass.PROCESS, OperationClass.FILE, OperationClass.NETWORK));
            }

            @Override
            public void unwatch(long cgroupId) {
                monitor.visibility().remove(cgroupId);
            }
        };
        try {
            apiServerAccess.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
        try {
            node = Node.start(system, nodeSettings, enforcer, visibility, m -> outputs.hub().offer(m));
        } catch (RuntimeException e) {
            if (!NodeSettings.KUBERNETES.equals(nodeSettings.mode())) throw e;
            throw new IllegalStateException("Kubernetes mode cannot start its informers: " + e.getMessage()
                    + " (check palisade.kubernetes.master-url, the service account's RBAC in deploy/, or run with "
                    + "--mode standalone)", e);
        }
        view.delegate = node.view();
        stack.add(node);
        try {
            node.ready().toCompletableFuture().get(settings.readyTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the initial state was not in force within palisade.agent.ready-timeout ("
                    + settings.readyTimeout().toSeconds() + " s): " + (kubernetes
                    ? "the Kubernetes informers have not listed everything yet (the agent's log says which keeps failing)"
                    : "a container's rules were not accepted by the enforcer (the agent's log says which)")
                    + "; raise the timeout on a busy node", e);
        }
        readiness.setReady(true);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String started = "Palisade started in " + ms + " ms: enforcer " + enforcerKind + ", policies from "
                + (NodeSettings.KUBERNETES.equals(nodeSettings.mode()) ? "the API server (Kubernetes mode)"
                        : nodeSettings.policiesDirectory().toString()) + ", posture " + nodeSettings.posture().global() + (kubernetes ? " (namespace annotations override)" : "")
                + (metrics != null ? ", metrics on :" + metrics.port() : "");
        LOG.info(started);
        outputs.hub().offer(new AgentMessage(Instant.now().getEpochSecond(), Instant.now().toString(), settings.clusterName(),
                nodeSettings.nodeName(), "", "Message", "Info", started));
    }

    /** What the kernel side started, in the order it is undone (the monitor before the filesystems). */
    private record KernelSide(KernelFilesystems fs, NodeCapabilities capabilities, EnforcerKind enforcer, Monitor monitor) {
        static KernelSide start(AgentSettings settings) {
            KernelFilesystems fs = KernelFilesystems.ensureAll();
            try {
                NodeCapabilities capabilities = NodeProbe.probe(fs);
                if (!capabilities.monitorSupported()) {
                    throw new IllegalStateException("this kernel cannot run Palisade's monitor (BTF, ring buffers and "
                            + "tracepoints are needed); `palisade probe` says which is missing");
                }
                EnforcerKind kind = chooseEnforcer(settings.enforcer(), capabilities);
                Monitor monitor = Monitor.start(new Monitor.Options(settings.ringBytes(), settings.wakeupBytes(),
                        settings.hostVisibility()));
                return new KernelSide(fs, capabilities, kind, monitor);
            } catch (RuntimeException | Error e) {
                fs.close();
                throw e;
            }
        }
    }

    private static KernelSide join(CompletableFuture<KernelSide> starting) throws Exception {
        try {
            return starting.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Exception x) throw x;
            if (e.getCause() instanceof Error x) throw x;
            throw e;
        }
    }

    /** The metrics endpoint and the outputs (gRPC server, sinks), bound concurrently. */
    private void startServers(Config config, PrometheusMeterRegistry registry) throws Exception {
        CompletableFuture<MetricsServer> metricsStarting = config.getBoolean("palisade.metrics.enabled")
                ? MetricsServer.start(system, config.getString("palisade.metrics.interface"),
                        config.getInt("palisade.metrics.port"), registry, readiness).toCompletableFuture()
                : CompletableFuture.completedFuture(null);
        CompletableFuture<TelemetryOutputs> outputsStarting = TelemetryOutputs.start(system, config, registry).toCompletableFuture();
        Exception failed = null;
        try {
            metrics = metricsStarting.get(10, TimeUnit.SECONDS);
            if (metrics != null) readiness.setLive(true);
        } catch (Exception e) {
            failed = e;
        }
        try {
            outputs = outputsStarting.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (failed == null) failed = e;
            else failed.addSuppressed(e);
        }
        if (failed != null) throw failed;
    }

    private static EnforcerKind chooseEnforcer(String wanted, NodeCapabilities c) {
        return switch (wanted) {
            case "auto" -> c.enforcer();
            case "bpf-lsm" -> {
                if (c.enforcer() != EnforcerKind.BPF_LSM) {
                    throw new IllegalStateException("palisade.agent.enforcer = bpf-lsm, but this kernel cannot run BPF-LSM "
                            + "programs (boot it with \"bpf\" in lsm=, e.g. lsm=lockdown,capability,landlock,yama,bpf); "
                            + "use auto or fanotify; `palisade probe` shows why");
                }
                yield EnforcerKind.BPF_LSM;
            }
            case "fanotify" -> {
                if (!c.fanotifyPermissions().available()) {
                    throw new IllegalStateException("palisade.agent.enforcer = fanotify, but this kernel refuses fanotify "
                            + "permission events: " + c.fanotifyPermissions().detail() + "; use auto or audit-only");
                }
                yield EnforcerKind.FANOTIFY;
            }
            default -> EnforcerKind.AUDIT_ONLY;
        };
    }

    /**
     * Every drop counter, and the enforcer's failed decisions, read once per interval; one SystemEvent alert for each
     * kind when any of its counters grew.
     */
    private void startCounterAlerts(Config config, NodeIdentity identity, RingBufferReader reader, EventPipeline pipeline,
                                    PipelineCounters counters, Enforcer enforcer, boolean failClosed) {
        java.time.Duration interval = config.getDuration("palisade.pipeline.drop-alert-interval");
        if (interval.isZero() || interval.isNegative()) return;
        List<CounterAlerts.Counter> all = new java.util.ArrayList<>(List.of(
                new CounterAlerts.Counter("ring_lost", () -> reader.stats().lost()),
                new CounterAlerts.Counter("pipeline_dropped", () -> pipeline.handle().dropped()),
                new CounterAlerts.Counter("pipeline_malformed", () -> pipeline.handle().malformed()),
                new CounterAlerts.Counter("decisions_dropped", counters::droppedDecisions),
                new CounterAlerts.Counter("hub_dropped", () -> outputs.hub().counters().dropped())));
        for (IsolatedSink s : outputs.hub().sinks()) {
            for (DropReason r : DropReason.values()) {
                all.add(new CounterAlerts.Counter("sink_" + s.name() + "_" + r.tag(), () -> s.counters().dropped(r)));
            }
        }
        outputs.feederSubscribers().ifPresent(f -> {
            for (FeederSubscribers.Method m : FeederSubscribers.Method.values()) {
                all.add(new CounterAlerts.Counter("grpc_" + m.name().toLowerCase(java.util.Locale.ROOT) + "_clients_dropped",
                        () -> f.dropped(m)));
            }
        });
        CounterAlerts drops = CounterAlerts.drops(identity, all);
        List<CounterAlerts> reports = new java.util.ArrayList<>(List.of(drops));
        if (enforcer instanceof FanotifyEnforcer f) {
            reports.add(CounterAlerts.enforcerFailures(identity, failClosed,
                    List.of(new CounterAlerts.Counter("fanotify", f::failures))));
        }
        var task = system.scheduler().scheduleAtFixedRate(interval, interval, () -> {
            java.time.Instant now = java.time.Instant.now();
            for (CounterAlerts r : reports) r.next(now, interval).ifPresent(outputs.hub()::offer);
        }, system.executionContext());
        stack.add(task::cancel);
    }

    private static void bindMetrics(PrometheusMeterRegistry r, EventPipeline p, RingBufferReader ring, PipelineCounters c,
                                    Enforcer enforcer) {
        FunctionCounter.builder("palisade_ring_records", ring, x -> x.stats().records()).description("records drained from the monitor ring").register(r);
        FunctionCounter.builder("palisade_ring_lost", ring, x -> x.stats().lost()).description("records the kernel could not put on the full ring").register(r);
        Gauge.builder("palisade_ring_pending_bytes", ring, RingBufferReader::pendingBytes).description("bytes written and not yet drained").register(r);
        Gauge.builder("palisade_ring_capacity_bytes", ring, RingBufferReader::capacity).description("size of the monitor ring: pending / capacity is its fill").register(r);
        FunctionCounter.builder("palisade_pipeline_events", c, PipelineCounters::events).register(r);
        FunctionCounter.builder("palisade_pipeline_events_dropped", p.handle(), h -> h.dropped())
                .description("events dropped because the pipeline's buffer was full").register(r);
        FunctionCounter.builder("palisade_pipeline_events_malformed", p.handle(), h -> h.malformed()).register(r);
        FunctionCounter.builder("palisade_pipeline_decisions_dropped", c, PipelineCounters::droppedDecisions)
                .description("enforcer decisions not reported because the buffer was full").register(r);
        FunctionCounter.builder("palisade_alerts_emitted", c, PipelineCounters::alerts).register(r);
        FunctionCounter.builder("palisade_alerts_throttled", c, PipelineCounters::throttled).register(r);
        FunctionCounter.builder("palisade_logs_emitted", c, PipelineCounters::logs).register(r);
        Gauge.builder("palisade_pipeline_buffer_depth", p.handle(), h -> h.depth()).register(r);
        if (enforcer instanceof FanotifyEnforcer f) {
            FunctionCounter.builder("palisade_enforcer_decisions", f, FanotifyEnforcer::decided).tag("enforcer", "fanotify").register(r);
            FunctionCounter.builder("palisade_enforcer_denials", f, FanotifyEnforcer::denied).tag("enforcer", "fanotify").register(r);
            FunctionCounter.builder("palisade_enforcer_failures", f, FanotifyEnforcer::failures).tag("enforcer", "fanotify")
                    .description("decisions that failed and were answered by the fail-open/closed setting").register(r);
            FunctionCounter.builder("palisade_enforcer_opens_cached", f, FanotifyEnforcer::cached).tag("enforcer", "fanotify")
                    .description("files whose allowed opens the kernel stopped asking about (ignore marks)").register(r);
            FunctionCounter.builder("palisade_enforcer_execs_recalled", f, FanotifyEnforcer::recalled).tag("enforcer", "fanotify")
                    .description("exec events decided by the identity of their file, without reading its path").register(r);
        }
    }

    public EnforcerKind enforcer() {
        return enforcerKind;
    }

    public NodeCapabilities capabilities() {
        return capabilities;
    }

    public Node node() {
        return node;
    }

    public TelemetryOutputs outputs() {
        return outputs;
    }

    public MetricsServer metrics() {
        return metrics;
    }

    /** Detaches programs, removes marks and map entries, unmounts what was mounted, in reverse order of start. */
    @Override
    public void close() {
        readiness.setReady(false);
        for (int i = stack.size() - 1; i >= 0; i--) {
            try {
                stack.get(i).close();
            } catch (Exception e) {
                LOG.warn("stopping {}: {}", stack.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        stack.clear();
        try {
            if (outputs != null) outputs.shutdown(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            if (metrics != null) metrics.stop(Duration.ofSeconds(1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("stopping the outputs: {}", e.toString());
        }
        if (system != null) {
            system.terminate();
            try {
                system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("actor system did not stop in time: {}", e.toString());
            }
        }
    }

    /** The published view, once the actors exist (empty before). */
    private static final class ViewHolder implements dev.palisade.workload.WorkloadView {
        volatile dev.palisade.workload.WorkloadView delegate;

        @Override
        public dev.palisade.workload.WorkloadSnapshot current() {
            var d = delegate;
            return d == null ? dev.palisade.workload.WorkloadSnapshot.EMPTY : d.current();
        }
    }
}
