package dev.palisade.kernel.lsm;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.palisade.bpf.BpfObjectResource;
import dev.palisade.kernel.bpf.BpfMap;
import dev.palisade.kernel.bpf.BpfObject;
import dev.palisade.kernel.bpf.BpfProgram;
import dev.palisade.kernel.bpf.CreatedBpfMap;
import dev.palisade.kernel.bpf.PerCpuCounter;
import dev.palisade.kernel.enforce.EnforcementEvent;
import dev.palisade.kernel.enforce.EnforcementException;
import dev.palisade.kernel.enforce.Enforcer;
import dev.palisade.kernel.enforce.EnforcerKind;
import dev.palisade.kernel.event.EventLayout;
import dev.palisade.kernel.ring.RingBufferReader;
import dev.palisade.kernel.ring.RingRecordHandler;
import dev.palisade.kernel.sys.BootClock;
import dev.palisade.kernel.sys.Namespaces;
import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.compile.RuleSet;
import dev.palisade.policy.compile.Verdict;
import dev.palisade.policy.match.Capabilities;
import dev.palisade.policy.match.SocketNames;
import dev.palisade.workload.ContainerInfo;
import dev.palisade.workload.ProtectedWorkload;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BPF-LSM enforcer: enforcer.bpf.o's LSM hooks attached, one rules map per protected workload (built aside by
 * {@link RulesMapBuilder} and swapped into the {@code rules} map-of-maps in one update), and its decisions to report
 * read from the enforcer's own ring and handed on as {@link EnforcementEvent}s. Denials return EACCES
 * ("Permission denied"), as KubeArmor's BPF-LSM enforcer does.
 *
 * <p>Hash seeds are drawn at start from {@link SecureRandom} and never leave the agent. Not decided in the kernel:
 * glob patterns and allowed arguments (see {@link RuleSetEncoder}).
 */
public final class BpfLsmEnforcer implements Enforcer {
    private static final Logger LOG = LoggerFactory.getLogger(BpfLsmEnforcer.class);
    private static final long HOST = 0;

    private final BpfObject object;
    private final PathHash hash;
    private final RuleSetEncoder encoder;
    private final Consumer<EnforcementEvent> events;
    private final RingBufferReader reader;
    private final BootClock clock = BootClock.now();
    private final AtomicInteger generations = new AtomicInteger();
    /** generation -> its verdict table; a workload's current and previous generations are kept for events in flight. */
    private final Map<Integer, List<Verdict>> verdicts = new ConcurrentHashMap<>();
    private final Map<Long, int[]> generationOf = new ConcurrentHashMap<>();
    private final AtomicLong undecodable = new AtomicLong();
    private final int hostMountNamespace;
    private final List<String> attached = new ArrayList<>();

    private BpfLsmEnforcer(Consumer<EnforcementEvent> events) {
        this.events = events;
        SecureRandom random = new SecureRandom();
        this.hash = new PathHash(random.nextLong(), random.nextLong());
        this.encoder = new RuleSetEncoder(hash);
        this.object = BpfObject.open(BpfObjectResource.ENFORCER);
        try {
            for (BpfProgram p : object.programs()) p.setAutoload(p.sectionKind().equals("lsm"));
            object.load();
            hostMountNamespace = (int) Namespaces.mountNamespace((int) ProcessHandle.current().pid());
            writeConfig(false);
            reader = RingBufferReader.open("enforcement-events", object.map("enforcement_events"),
                    new PerCpuCounter(object.map("enforcement_events_lost"), 0)::sum, RingBufferReader.Options.defaults());
            reader.start(new Decoder());
            for (BpfProgram p : object.programs()) {
                if (!p.sectionKind().equals("lsm")) continue;
                p.attach();
                attached.add(p.sectionTarget());
            }
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
        LOG.info("BPF-LSM enforcer attached to {}", attached);
    }

    /** Loads and attaches the enforcer; fails (with the kernel's reason) where BPF-LSM is unavailable. */
    public static BpfLsmEnforcer start(Consumer<EnforcementEvent> events) {
        return new BpfLsmEnforcer(events);
    }

    @Override
    public EnforcerKind kind() {
        return EnforcerKind.BPF_LSM;
    }

    /** The LSM hooks attached. */
    public List<String> hooks() {
        return List.copyOf(attached);
    }

    /** Ring records that could not be decoded (counted, never silently dropped). */
    public long undecodable() {
        return undecodable.get();
    }

    @Override
    public void apply(ProtectedWorkload w) throws EnforcementException {
        install(w.container().cgroupId(), w.rules(), "container " + w.container().containerId());
    }

    @Override
    public void remove(ContainerInfo container) throws EnforcementException {
        long cgroup = container.cgroupId();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(JAVA_LONG);
            key.set(JAVA_LONG, 0, cgroup);
            object.map("rules").delete(key);
        } catch (RuntimeException e) {
            throw new EnforcementException("cannot remove the rules of container " + container.containerId() + ": " + e.getMessage(), e);
        }
        int[] gens = generationOf.remove(cgroup);
        if (gens != null) for (int g : gens) if (g != 0) verdicts.remove(g);
    }

    @Override
    public void applyHost(RuleSet rules) throws EnforcementException {
        install(HOST, rules, "the host");
        writeConfig(!rules.rules().isEmpty() || rules.policies().size() > 0);
    }

    private void install(long cgroup, RuleSet rules, String what) throws EnforcementException {
        int generation = generations.incrementAndGet();
        RuleSetEncoder.Encoded encoded = encoder.encode(rules);
        verdicts.put(generation, encoded.verdicts());
        try (CreatedBpfMap map = RulesMapBuilder.build(encoded, generation); Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(JAVA_LONG);
            key.set(JAVA_LONG, 0, cgroup);
            MemorySegment fd = arena.allocate(JAVA_INT);
            fd.set(JAVA_INT, 0, map.fd());
            object.map("rules").update(key, fd, BpfMap.ANY);
        } catch (RuntimeException e) {
            verdicts.remove(generation);
            throw new EnforcementException("cannot put the rules of " + what + " in force: " + e.getMessage(), e);
        }
        int[] previous = generationOf.put(cgroup, new int[] {generation, 0});
        if (previous != null) {
            generationOf.get(cgroup)[1] = previous[0];
            if (previous[1] != 0) verdicts.remove(previous[1]);
        }
        if (!encoded.notInKernel().isEmpty()) {
            LOG.debug("{}: {} rule(s) with glob patterns are reported by the user-space matcher, not enforced in the kernel",
                    what, encoded.notInKernel().size());
        }
    }

    private void writeConfig(boolean hostRules) {
        RulesMapBuilder.writeConfig(object.map("config"), hash, 0, hostMountNamespace, hostRules,
                (int) ProcessHandle.current().pid());
    }

    @Override
    public void close() {
        try {
            if (reader != null) reader.close();
        } finally {
            object.close();
        }
    }

    private static final long HDR = EventLayout.ENFORCEMENT.byteOffset(groupElement("hdr"));
    private static final long TIME = HDR + EventLayout.HEADER.byteOffset(groupElement("timestamp_ns"));
    private static final long CGROUP = HDR + EventLayout.HEADER.byteOffset(groupElement("cgroup_id"));
    private static final long PID = HDR + EventLayout.HEADER.byteOffset(groupElement("pid"));
    private static final long UID = HDR + EventLayout.HEADER.byteOffset(groupElement("uid"));
    private static final long KIND = HDR + EventLayout.HEADER.byteOffset(groupElement("kind"));
    private static final long OUTCOME = EventLayout.ENFORCEMENT.byteOffset(groupElement("outcome"));
    private static final long GENERATION = EventLayout.ENFORCEMENT.byteOffset(groupElement("generation"));
    private static final long RETVAL = EventLayout.ENFORCEMENT.byteOffset(groupElement("retval"));
    private static final long OP_CLASS = EventLayout.ENFORCEMENT.byteOffset(groupElement("op_class"));
    private static final long PATH_LEN = EventLayout.ENFORCEMENT.byteOffset(groupElement("path_len"));
    private static final long SOURCE_LEN = EventLayout.ENFORCEMENT.byteOffset(groupElement("source_len"));
    private static final long ARG0 = EventLayout.ENFORCEMENT.byteOffset(groupElement("arg0"));
    private static final long ARG1 = EventLayout.ENFORCEMENT.byteOffset(groupElement("arg1"));
    private static final long ARG2 = EventLayout.ENFORCEMENT.byteOffset(groupElement("arg2"));
    private static final long DATA = EventLayout.ENFORCEMENT.byteOffset(groupElement("data"));
    private static final OperationClass[] CLASSES = {OperationClass.PROCESS, OperationClass.FILE, OperationClass.NETWORK,
            OperationClass.CAPABILITIES};

    /** Turns ring records into events on the reader's drain thread. */
    private final class Decoder implements RingRecordHandler {
        @Override
        public void onRecord(MemorySegment s, long o, int length) {
            try {
                if (length < DATA || s.get(JAVA_SHORT, o + KIND) != 9) {
                    undecodable.incrementAndGet();
                    return;
                }
                int pathLen = Short.toUnsignedInt(s.get(JAVA_SHORT, o + PATH_LEN));
                int sourceLen = Short.toUnsignedInt(s.get(JAVA_SHORT, o + SOURCE_LEN));
                if (DATA + pathLen + sourceLen > length) {
                    undecodable.incrementAndGet();
                    return;
                }
                int op = Short.toUnsignedInt(s.get(JAVA_SHORT, o + OP_CLASS));
                int outcome = s.get(JAVA_INT, o + OUTCOME);
                List<Verdict> table = verdicts.get(s.get(JAVA_INT, o + GENERATION));
                int index = outcome & EnforcerAbi.OUT_VERDICT_MASK;
                if (op >= CLASSES.length || table == null || index >= table.size()) {
                    undecodable.incrementAndGet();
                    return;
                }
                OperationClass operation = CLASSES[op];
                String path = string(s, o + DATA, pathLen);
                String source = sourceLen == 0 ? "" : string(s, o + DATA + pathLen, sourceLen);
                String resource = switch (operation) {
                    case PROCESS, FILE -> path;
                    case NETWORK -> "domain=" + SocketNames.familyName(s.get(JAVA_INT, o + ARG0)) + " type="
                            + SocketNames.typeName(s.get(JAVA_INT, o + ARG1)) + " protocol=" + s.get(JAVA_INT, o + ARG2);
                    case CAPABILITIES -> Capabilities.alertName(s.get(JAVA_INT, o + ARG0));
                };
                boolean denied = s.get(JAVA_INT, o + RETVAL) != 0;
                events.accept(new EnforcementEvent(clock.toInstant(s.get(JAVA_LONG, o + TIME)), s.get(JAVA_INT, o + PID),
                        s.get(JAVA_LONG, o + CGROUP), s.get(JAVA_INT, o + UID), operation, resource, source, table.get(index),
                        denied ? "Permission denied" : "Passed", EnforcerKind.BPF_LSM));
            } catch (RuntimeException e) {
                undecodable.incrementAndGet();
                LOG.warn("undecodable enforcement record", e);
            }
        }

        private String string(MemorySegment s, long at, int len) {
            byte[] b = new byte[len];
            MemorySegment.copy(s, java.lang.foreign.ValueLayout.JAVA_BYTE, at, b, 0, len);
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
