package dev.palisade.kernel.probe;

import dev.palisade.bpf.BpfObjectResource;
import dev.palisade.kernel.bpf.BpfFeatures;
import dev.palisade.kernel.bpf.BpfMapType;
import dev.palisade.kernel.bpf.BpfObject;
import dev.palisade.kernel.bpf.BpfProgram;
import dev.palisade.kernel.enforce.EnforcerKind;
import dev.palisade.kernel.ffm.Libc;
import dev.palisade.kernel.sys.Cgroups;
import dev.palisade.kernel.sys.KernelFilesystem;
import dev.palisade.kernel.sys.KernelFilesystems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Finds out, by trying, what this node's kernel lets Palisade do: each BPF feature is tested by loading
 * and attaching a tiny program (then detaching it), fanotify by creating a permission-class group. Files
 * like /sys/kernel/security/lsm are reported for information only: they can claim more than works.
 */
public final class NodeProbe {
    // fanotify(7)
    private static final int FAN_CLOEXEC = 0x01;
    private static final int FAN_NONBLOCK = 0x02;
    private static final int FAN_CLASS_CONTENT = 0x04;
    private static final int FAN_MARK_ADD = 0x01;
    private static final long FAN_OPEN_PERM = 0x00010000L;
    private static final long FAN_OPEN_EXEC_PERM = 0x00040000L;

    private NodeProbe() {}

    /** Probes with the kernel filesystems of {@code filesystems} in place (mount them first). */
    public static NodeCapabilities probe(KernelFilesystems filesystems) {
        Feature btf = Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"))
                ? Feature.yes("/sys/kernel/btf/vmlinux")
                : Feature.no("no /sys/kernel/btf/vmlinux (kernel built without CONFIG_DEBUG_INFO_BTF)");
        String libbpf = attempt(BpfFeatures::libbpfVersion, "unavailable");
        Feature ringBuffer = check(() -> BpfFeatures.supportsMapType(BpfMapType.RINGBUF)
                ? Feature.yes("BPF_MAP_TYPE_RINGBUF map created")
                : Feature.no("the kernel refuses BPF_MAP_TYPE_RINGBUF maps (Linux 5.8 or later needed)"));
        Feature tracepoints = check(() -> loadAndAttach(BpfObjectResource.PROBE_TRACING, "palisade_probe_tracepoint"));
        Feature btfTracepoints = check(() -> loadAndAttach(BpfObjectResource.PROBE_TRACING, "palisade_probe_tp_btf"));
        Feature bpfLsm = check(() -> loadAndAttach(BpfObjectResource.PROBE_LSM, "palisade_probe_lsm"));
        Feature fanotify = check(NodeProbe::fanotifyPermissions);

        List<String> mounted = new ArrayList<>();
        for (KernelFilesystem fs : filesystems.mountedHere()) mounted.add(fs.fsType() + " at " + fs.mountPoint());
        List<String> unavailable = new ArrayList<>();
        filesystems.unavailable().forEach((fs, reason) -> unavailable.add(fs.fsType() + " at " + fs.mountPoint() + ": " + reason));

        return new NodeCapabilities(
                read("/proc/sys/kernel/osrelease"),
                libbpf, btf, ringBuffer, tracepoints, btfTracepoints, bpfLsm, fanotify,
                lsmList(),
                lockdown(),
                Cgroups.cgroup2MountPoint().map(Path::toString).orElse(""),
                mounted, unavailable,
                chooseEnforcer(bpfLsm, fanotify));
    }

    /** The best enforcer the features allow: BPF-LSM, else fanotify permission events, else audit only. */
    public static EnforcerKind chooseEnforcer(Feature bpfLsm, Feature fanotifyPermissions) {
        if (bpfLsm.available()) return EnforcerKind.BPF_LSM;
        if (fanotifyPermissions.available()) return EnforcerKind.FANOTIFY;
        return EnforcerKind.AUDIT_ONLY;
    }

    /** Mounts what is missing, probes, and unmounts what it mounted. */
    public static NodeCapabilities probe() {
        try (KernelFilesystems fs = KernelFilesystems.ensureAll()) {
            return probe(fs);
        }
    }

    private static Feature loadAndAttach(BpfObjectResource resource, String programName) {
        try (BpfObject object = BpfObject.open(resource)) {
            BpfProgram wanted = object.program(programName);
            for (BpfProgram p : object.programs()) p.setAutoload(p == wanted);
            object.load();
            wanted.attach().close();
            return Feature.yes(wanted.section() + " loaded, attached and detached");
        }
    }

    private static Feature fanotifyPermissions() throws IOException {
        int fd = Libc.fanotifyInit(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK, Libc.O_RDONLY | Libc.O_LARGEFILE);
        Path dir = Files.createTempDirectory("palisade-probe-fanotify");
        try {
            // an inode mark on our own empty directory: proves the permission masks are accepted, affects nobody
            Libc.fanotifyMark(fd, FAN_MARK_ADD, FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM, dir.toString());
            return Feature.yes("fanotify_init(FAN_CLASS_CONTENT) and FAN_OPEN_PERM|FAN_OPEN_EXEC_PERM marks accepted");
        } finally {
            Libc.close(fd);
            Files.deleteIfExists(dir);
        }
    }

    private static List<String> lsmList() {
        String lsm = read("/sys/kernel/security/lsm");
        return lsm.isEmpty() ? List.of() : Arrays.asList(lsm.split(","));
    }

    /** "none [integrity] confidentiality" -> "integrity" */
    private static String lockdown() {
        String all = read("/sys/kernel/security/lockdown");
        int open = all.indexOf('[');
        int close = all.indexOf(']');
        return open >= 0 && close > open ? all.substring(open + 1, close) : all;
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file)).strip();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static Feature check(Callable<Feature> probe) {
        try {
            return probe.call();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            return Feature.no(firstLines(t.getMessage() == null ? t.toString() : t.getMessage(), 3));
        }
    }

    private static <T> T attempt(Callable<T> call, T fallback) {
        try {
            return call.call();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            return fallback;
        }
    }

    private static String firstLines(String text, int lines) {
        String[] all = text.strip().split("\n");
        return String.join(" | ", Arrays.copyOf(all, Math.min(lines, all.length))).replace("libbpf: ", "");
    }
}
