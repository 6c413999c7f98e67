package dev.palisade.kernel.probe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Renders {@link NodeCapabilities} for people (a table) and for tools (JSON): the output of `palisade probe`. */
public final class ProbeReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ProbeReport() {}

    public static String table(NodeCapabilities c) {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("kernel", c.kernelRelease());
        rows.put("libbpf", c.libbpfVersion());
        rows.put("kernel BTF", feature(c.kernelBtf()));
        rows.put("ring buffer", feature(c.ringBuffer()));
        rows.put("tracepoints", feature(c.tracepoints()));
        rows.put("BTF tracepoints", feature(c.btfTracepoints()));
        rows.put("BPF-LSM", feature(c.bpfLsm()));
        rows.put("fanotify permissions", feature(c.fanotifyPermissions()));
        rows.put("active LSMs", c.activeLsms().isEmpty() ? "(unknown)" : String.join(",", c.activeLsms()) + "  (informational)");
        rows.put("lockdown", c.lockdown().isEmpty() ? "(unknown)" : c.lockdown());
        rows.put("cgroup v2", c.cgroup2MountPoint().isEmpty() ? "(not mounted)" : c.cgroup2MountPoint());
        rows.put("mounted by probe", c.mountedByProbe().isEmpty() ? "(nothing)" : String.join("; ", c.mountedByProbe()));
        if (!c.unavailableFilesystems().isEmpty()) rows.put("not mountable", String.join("; ", c.unavailableFilesystems()));
        rows.put("monitor", c.monitorSupported() ? "supported" : "NOT supported");
        rows.put("enforcer", c.enforcer().name());
        int width = rows.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder b = new StringBuilder();
        rows.forEach((k, v) -> b.append(String.format("%-" + width + "s  %s%n", k, v)));
        return b.toString();
    }

    public static String json(NodeCapabilities c) {
        ObjectNode root = JSON.valueToTree(c);
        root.put("monitorSupported", c.monitorSupported());
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String feature(Feature f) {
        return (f.available() ? "yes" : "no") + "  " + f.detail();
    }
}
