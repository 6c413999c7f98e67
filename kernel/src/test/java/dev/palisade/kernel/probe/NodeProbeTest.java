package dev.palisade.kernel.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.palisade.kernel.enforce.EnforcerKind;
import dev.palisade.kernel.sys.KernelFilesystem;
import dev.palisade.kernel.sys.MountTable;
import dev.palisade.testing.Need;
import dev.palisade.testing.Requires;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The probe on this host (kernel 6.18 in a nested guest): tracepoints, tp_btf and ring buffers work;
 * LSM programs cannot attach although /sys/kernel/security/lsm lists bpf; fanotify permission events work,
 * so the enforcer is FANOTIFY.
 */
@Requires({Need.BPF, Need.FANOTIFY})
class NodeProbeTest {

    @Test
    void probesThisHost() throws Exception {
        boolean tracefsBefore = MountTable.current().isMounted("tracefs", KernelFilesystem.TRACEFS.mountPoint());
        NodeCapabilities c = NodeProbe.probe();
        System.out.println(ProbeReport.table(c));

        assertTrue(c.kernelBtf().available(), c.kernelBtf().detail());
        assertTrue(c.ringBuffer().available(), c.ringBuffer().detail());
        assertTrue(c.tracepoints().available(), c.tracepoints().detail());
        assertTrue(c.btfTracepoints().available(), c.btfTracepoints().detail());
        assertTrue(c.monitorSupported());
        assertFalse(c.bpfLsm().available(), "this guest blocks trampolines: " + c.bpfLsm().detail());
        assertTrue(c.bpfLsm().detail().contains("palisade_probe_lsm"), c.bpfLsm().detail());
        assertTrue(c.activeLsms().contains("bpf"), "lsm file lists bpf (and must not be trusted): " + c.activeLsms());
        assertTrue(c.fanotifyPermissions().available(), c.fanotifyPermissions().detail());
        assertEquals(EnforcerKind.FANOTIFY, c.enforcer());
        assertEquals(Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip(), c.kernelRelease());
        assertEquals("/sys/fs/cgroup/unified", c.cgroup2MountPoint());
        assertEquals("integrity", c.lockdown());

        // what the probe mounted it reported and unmounted again
        if (!tracefsBefore) {
            assertTrue(c.mountedByProbe().contains("tracefs at /sys/kernel/tracing"), c.mountedByProbe().toString());
            assertFalse(MountTable.current().isMounted("tracefs", KernelFilesystem.TRACEFS.mountPoint()), "tracefs left mounted");
        }

        JsonNode json = new ObjectMapper().readTree(ProbeReport.json(c));
        assertEquals("FANOTIFY", json.get("enforcer").asText());
        assertFalse(json.get("bpfLsm").get("available").asBoolean());
        assertTrue(json.get("tracepoints").get("available").asBoolean());
        assertTrue(json.get("monitorSupported").asBoolean());
        String table = ProbeReport.table(c);
        assertTrue(table.contains("enforcer") && table.contains("FANOTIFY"), table);
    }

    @Test
    void enforcerPreferenceOrder() {
        Feature yes = Feature.yes("ok");
        Feature no = Feature.no("no");
        assertEquals(EnforcerKind.BPF_LSM, NodeProbe.chooseEnforcer(yes, yes));
        assertEquals(EnforcerKind.BPF_LSM, NodeProbe.chooseEnforcer(yes, no));
        assertEquals(EnforcerKind.FANOTIFY, NodeProbe.chooseEnforcer(no, yes));
        assertEquals(EnforcerKind.AUDIT_ONLY, NodeProbe.chooseEnforcer(no, no));
    }
}
