package dev.palisade.kernel.monitor;

import dev.palisade.bpf.BpfObjectResource;
import dev.palisade.kernel.bpf.AttachTargets;
import dev.palisade.kernel.bpf.BpfMap;
import dev.palisade.kernel.bpf.BpfObject;
import dev.palisade.kernel.bpf.BpfProgram;
import dev.palisade.kernel.bpf.Btf;
import dev.palisade.kernel.bpf.PerCpuCounter;
import dev.palisade.kernel.event.EventLayout;
import dev.palisade.kernel.event.OperationClass;
import dev.palisade.kernel.ring.LossCounter;
import dev.palisade.kernel.ring.RingBufferReader;
import dev.palisade.kernel.sys.KernelFilesystems;
import dev.palisade.kernel.sys.Namespaces;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loaded and attached system monitor (monitor.bpf.o): its ring of palisade_event.h records, the
 * per-cgroup {@link VisibilityMap} and the host visibility. Programs whose hook this kernel lacks are
 * left out when optional (listed in {@link #skippedPrograms}) and fail the start when required.
 * Needs tracefs mounted ({@link KernelFilesystems}) for its tracepoint programs.
 */
public final class Monitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);

    /** The hooks without which the monitor cannot do its job. */
    static final Set<String> REQUIRED_PROGRAMS = Set.of(
            "palisade_exec", "palisade_exit",
            "palisade_enter_openat", "palisade_exit_openat",
            "palisade_enter_socket", "palisade_exit_socket",
            "palisade_enter_connect", "palisade_exit_connect",
            "palisade_enter_bind", "palisade_exit_bind",
            "palisade_enter_accept4", "palisade_exit_accept4");

    /**
     * @param ringBytes size of the events ring (power of two, multiple of the page size)
     * @param wakeupThresholdBytes unread bytes past which a record wakes the reader (only the record crossing
     *                             it does); 0: wake per record when the reader has caught up (the kernel's default)
     * @param hostVisibility what tasks of the host mount namespace record when their cgroup is not listed
     */
    public record Options(int ringBytes, long wakeupThresholdBytes, Set<OperationClass> hostVisibility) {
        public Options {
            if (Integer.bitCount(ringBytes) != 1 || ringBytes < 4096) {
                throw new IllegalArgumentException("ringBytes must be a power of two of at least 4096, got " + ringBytes);
            }
            if (wakeupThresholdBytes < 0 || wakeupThresholdBytes > ringBytes) {
                throw new IllegalArgumentException("wakeupThresholdBytes must be within 0.." + ringBytes + ", got " + wakeupThresholdBytes);
            }
            hostVisibility = Set.copyOf(hostVisibility);
        }

        /** 8 MiB ring, wake-up per 256 KiB, host not recorded. */
        public static Options defaults() {
            return new Options(8 << 20, 256 << 10, Set.of());
        }
    }

    private final BpfObject object;
    private final Options options;
    private final VisibilityMap visibility;
    private final PerCpuCounter lost;
    private final List<String> attached = new ArrayList<>();
    private final Map<String, String> skipped;
    private final long hostMountNamespace;
    private volatile Set<OperationClass> hostVisibility;

    private Monitor(BpfObject object, Options options, Map<String, String> skipped) {
        this.object = object;
        this.options = options;
        this.visibility = new VisibilityMap(object.map("visibility"));
        this.lost = new PerCpuCounter(object.map("events_lost"), 0);
        this.skipped = Map.copyOf(skipped);
        this.hostMountNamespace = Namespaces.hostMountNamespace();
        this.hostVisibility = options.hostVisibility();
    }

    /** Opens, loads and attaches the monitor. */
    public static Monitor start(Options options) {
        Objects.requireNonNull(options, "options");
        if (!Files.isDirectory(KernelFilesystems.tracingRoot().resolve("events"))) {
            throw new IllegalStateException("tracefs is not mounted (no " + KernelFilesystems.tracingRoot().resolve("events")
                    + "): tracepoint programs cannot attach; mount it first (KernelFilesystems.ensure)");
        }
        BpfObject object = BpfObject.open(BpfObjectResource.MONITOR);
        try {
            checkAbi(object);
            object.map("events").setMaxEntries(options.ringBytes());
            Map<String, String> skipped = new LinkedHashMap<>();
            try (Btf kernel = Btf.vmlinux()) {
                AttachTargets targets = new AttachTargets(kernel, KernelFilesystems.tracingRoot());
                List<String> missingRequired = new ArrayList<>();
                for (BpfProgram p : object.programs()) {
                    targets.missing(p).ifPresent(reason -> {
                        if (REQUIRED_PROGRAMS.contains(p.name())) missingRequired.add(p.name() + ": " + reason);
                        skipped.put(p.name(), reason);
                        p.setAutoload(false);
                    });
                }
                if (!missingRequired.isEmpty()) {
                    throw new IllegalStateException("this kernel lacks hooks the monitor needs:\n  " + String.join("\n  ", missingRequired));
                }
            }
            object.load();
            Monitor monitor = new Monitor(object, options, skipped);
            monitor.writeConfig();
            for (BpfProgram p : object.programs()) {
                if (!p.autoload()) continue;
                p.attach();
                monitor.attached.add(p.name());
            }
            skipped.forEach((name, reason) -> LOG.info("monitor program {} left out: {}", name, reason));
            return monitor;
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    /** The object's .rodata carries palisade_abi_info.version first: refuse an object of another ABI. */
    private static void checkAbi(BpfObject object) {
        BpfMap rodata = object.maps().stream().filter(m -> m.name().endsWith(".rodata")).findFirst()
                .orElseThrow(() -> new IllegalStateException("monitor object has no .rodata (palisade_abi_info missing)"));
        int version = rodata.initialValue().get(java.lang.foreign.ValueLayout.JAVA_INT, 0);
        if (version != EventLayout.ABI_VERSION) {
            throw new IllegalStateException("monitor object writes event ABI " + version + " but this decoder reads ABI "
                    + EventLayout.ABI_VERSION + ": palisade-bpf and palisade-kernel come from different builds");
        }
    }

    public VisibilityMap visibility() {
        return visibility;
    }

    public Set<OperationClass> hostVisibility() {
        return hostVisibility;
    }

    /** What tasks in the host mount namespace record when their cgroup is not in the visibility map. */
    public void setHostVisibility(Set<OperationClass> classes) {
        hostVisibility = EnumSet.copyOf(classes.isEmpty() ? EnumSet.noneOf(OperationClass.class) : classes);
        writeConfig();
    }

    private synchronized void writeConfig() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_INT, 0);
            MemorySegment value = arena.allocate(EventLayout.MONITOR_CONFIG);
            value.set(java.lang.foreign.ValueLayout.JAVA_LONG, EventLayout.CONFIG_WAKEUP_THRESHOLD, options.wakeupThresholdBytes());
            value.set(java.lang.foreign.ValueLayout.JAVA_INT, EventLayout.CONFIG_HOST_MNT_NS, (int) hostMountNamespace);
            value.set(java.lang.foreign.ValueLayout.JAVA_INT, EventLayout.CONFIG_HOST_VISIBILITY, OperationClass.bits(hostVisibility));
            object.map("config").update(key, value, BpfMap.ANY);
        }
    }

    /** The events ring (BPF_MAP_TYPE_RINGBUF). */
    public BpfMap eventsRing() {
        return object.map("events");
    }

    /** Records the programs could not put on the ring because it was full. */
    public LossCounter lossCounter() {
        return lost::sum;
    }

    /** A reader of the events ring, with the kernel-side loss counter attached. Close it before the monitor. */
    public RingBufferReader openReader(RingBufferReader.Options readerOptions) {
        return RingBufferReader.open("monitor-events", eventsRing(), lossCounter(), readerOptions);
    }

    public List<String> attachedPrograms() {
        return List.copyOf(attached);
    }

    /** Programs left out because this kernel lacks their hook, with the reason. */
    public Map<String, String> skippedPrograms() {
        return skipped;
    }

    public Options options() {
        return options;
    }

    /** Detaches every program and frees the maps. */
    @Override
    public void close() {
        object.close();
    }
}
