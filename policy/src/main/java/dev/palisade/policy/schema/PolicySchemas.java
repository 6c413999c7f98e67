package dev.palisade.policy.schema;

import static dev.palisade.policy.schema.SchemaNode.arrayOf;
import static dev.palisade.policy.schema.SchemaNode.bool;
import static dev.palisade.policy.schema.SchemaNode.freeObject;
import static dev.palisade.policy.schema.SchemaNode.integer;
import static dev.palisade.policy.schema.SchemaNode.object;
import static dev.palisade.policy.schema.SchemaNode.string;
import static dev.palisade.policy.schema.SchemaNode.stringMap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The schemas of KubeArmor's three policy kinds, with the same constraints as KubeArmor's CRDs (types, enums,
 * patterns, ranges, required fields). Patterns keep Kubernetes' semantics: a value passes when the regular
 * expression is found anywhere in it, as KubeArmor's unanchored patterns rely on.
 */
public final class PolicySchemas {
    private PolicySchemas() {}

    /** A path: starts with '/', does not end with '/', at most 200 characters. */
    public static final String PATH_PATTERN = "^\\/+.*[^\\/]$";
    /** A directory: '/' or starts and ends with '/'. */
    public static final String DIR_PATTERN = "^\\/$|^\\/.*\\/$";
    public static final String EXECNAME_PATTERN = "^[^\\/]+$";
    public static final List<String> PROTOCOLS = List.of("tcp", "udp", "raw", "icmp", "icmpv6", "sctp", "stream",
            "dgram", "rdm", "seqpacket", "dccp", "packet", "all");
    public static final List<String> CAPABILITIES = List.of("chown", "dac_override", "dac_read_search", "fowner",
            "fsetid", "kill", "setgid", "setuid", "setpcap", "linux_immutable", "net_bind_service", "net_broadcast",
            "net_admin", "net_raw", "ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace",
            "sys_pacct", "sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time", "sys_tty_config", "mknod",
            "lease", "audit_write", "audit_control", "setfcap", "mac_override", "mac_admin");
    public static final List<String> ACTIONS = List.of("Allow", "Audit", "Block");
    public static final List<String> SYSCALLS = readSyscalls();

    private static final Map<PolicyKind, SchemaNode> BY_KIND = Map.of(
            PolicyKind.KUBEARMOR_POLICY, document(containerSpec("label")),
            PolicyKind.KUBEARMOR_CLUSTER_POLICY, document(clusterSpec()),
            PolicyKind.KUBEARMOR_HOST_POLICY, document(hostSpec()));

    /** The whole document's schema (apiVersion, kind, metadata, spec, status) for a kind. */
    public static SchemaNode forKind(PolicyKind kind) {
        return BY_KIND.get(kind);
    }

    private static SchemaNode document(SchemaNode spec) {
        return object(
                "apiVersion", string(),
                "kind", string(),
                "metadata", freeObject(),
                "spec", spec,
                "status", object("status", string()));
    }

    private static SchemaNode action() {
        return string().withEnum(ACTIONS);
    }

    private static SchemaNode severity() {
        return integer().withRange(1, 10);
    }

    private static SchemaNode path() {
        return string().withPattern(PATH_PATTERN).withMaxLength(200);
    }

    private static SchemaNode fromSource() {
        return arrayOf(object("path", path()));
    }

    /** severity, tags, message, action: what every rule and section may carry. */
    private static Object[] common() {
        return new Object[] {"severity", severity(), "tags", arrayOf(string()), "message", string(), "action", action()};
    }

    private static Object[] commonNoAction() {
        return new Object[] {"severity", severity(), "tags", arrayOf(string()), "message", string()};
    }

    private static SchemaNode section(Object... rules) {
        return object(rules).plus(common());
    }

    private static SchemaNode process() {
        return section(
                "matchPaths", arrayOf(object(
                        "path", path(),
                        "execname", string().withPattern(EXECNAME_PATTERN),
                        "allowedArgs", arrayOf(string()).withMaxItems(20),
                        "ownerOnly", bool(),
                        "pts", bool(),
                        "fromSource", fromSource()).plus(common())),
                "matchDirectories", arrayOf(object(
                        "dir", string().withPattern(DIR_PATTERN),
                        "recursive", bool(),
                        "ownerOnly", bool(),
                        "pts", bool(),
                        "fromSource", fromSource()).plus(common()).withRequired("dir")),
                "matchPatterns", arrayOf(object(
                        "pattern", string(),
                        "ownerOnly", bool()).plus(common()).withRequired("pattern")));
    }

    private static SchemaNode file() {
        return section(
                "matchPaths", arrayOf(object(
                        "path", path(),
                        "readOnly", bool(),
                        "ownerOnly", bool(),
                        "pts", bool(),
                        "fromSource", fromSource()).plus(common()).withRequired("path")),
                "matchDirectories", arrayOf(object(
                        "dir", string().withPattern(DIR_PATTERN),
                        "recursive", bool(),
                        "readOnly", bool(),
                        "ownerOnly", bool(),
                        "pts", bool(),
                        "fromSource", fromSource()).plus(common()).withRequired("dir")),
                "matchPatterns", arrayOf(object(
                        "pattern", string(),
                        "readOnly", bool(),
                        "ownerOnly", bool()).plus(common()).withRequired("pattern")));
    }

    private static SchemaNode network(boolean host) {
        SchemaNode protocol = object(
                "protocol", string().withPattern(upperAndLowerAlternatives(PROTOCOLS)),
                "pts", bool(),
                "fromSource", fromSource()).plus(common());
        SchemaNode dns = object("domain", string(), "fromSource", fromSource()).plus(common());
        return section(
                "matchProtocols", arrayOf(host
                        ? protocol.minus("pts").withRequired("protocol", "fromSource")
                        : protocol.withRequired("protocol")),
                "matchDNSQueries", arrayOf(dns.withRequired("domain")));
    }

    private static SchemaNode capabilities(boolean host) {
        SchemaNode cap = object(
                "capability", string().withPattern("(" + String.join("|", CAPABILITIES) + ")$"),
                "fromSource", fromSource()).plus(common());
        return section("matchCapabilities",
                arrayOf(host ? cap.withRequired("capability", "fromSource") : cap.withRequired("capability")));
    }

    private static SchemaNode syscalls() {
        SchemaNode syscallList = arrayOf(string().withEnum(SYSCALLS));
        SchemaNode source = arrayOf(object("path", path(), "dir", string(), "recursive", bool()));
        return object(
                "matchSyscalls", arrayOf(object("syscall", syscallList, "fromSource", source)),
                "matchPaths", arrayOf(object(
                        "syscall", syscallList,
                        "path", string().withPattern("(" + PATH_PATTERN + ")|(" + DIR_PATTERN + ")"),
                        "recursive", bool(),
                        "fromSource", source)))
                .plus(commonNoAction());
    }

    private static SchemaNode expressions(String... keys) {
        return arrayOf(object(
                "key", string().withEnum(List.of(keys)),
                "operator", string().withEnum(List.of("In", "NotIn")),
                "values", arrayOf(string())));
    }

    private static SchemaNode containerSpec(String... expressionKeys) {
        return object(
                "selector", object("matchLabels", stringMap(), "matchExpressions", expressions(expressionKeys)),
                "process", process(),
                "file", file(),
                "network", network(false),
                "capabilities", capabilities(false),
                "syscalls", syscalls(),
                "presets", arrayOf(object("name", string(), "action", action())),
                "apparmor", string())
                .plus(common());
    }

    private static SchemaNode clusterSpec() {
        SchemaNode spec = containerSpec("namespace", "label");
        return spec.with("selector", object("matchExpressions", expressions("namespace", "label")));
    }

    private static SchemaNode hostSpec() {
        SchemaNode tags = arrayOf(string());
        SchemaNode device = object(
                "matchDevice", arrayOf(object(
                        "class", string(),
                        "subClass", integer(),
                        "protocol", integer(),
                        "level", integer().withRange(1, null)).plus(common()).withRequired("class")),
                "severity", severity(), "tags", tags, "message", string(), "action", action());
        return object(
                "nodeSelector", object("matchLabels", stringMap()),
                "process", process(),
                "file", file(),
                "network", network(true),
                "capabilities", capabilities(true),
                "syscalls", syscalls(),
                "device", device,
                "apparmor", string())
                .plus(common())
                .withRequired("nodeSelector");
    }

    /** KubeArmor's protocol pattern: each name in lower and upper case, anchored only at the end. */
    private static String upperAndLowerAlternatives(List<String> names) {
        StringBuilder b = new StringBuilder("(");
        for (String n : names) {
            if (b.length() > 1) b.append('|');
            b.append(n).append('|').append(n.toUpperCase(java.util.Locale.ROOT));
        }
        return b.append(")$").toString();
    }

    private static List<String> readSyscalls() {
        try (InputStream in = PolicySchemas.class.getResourceAsStream("syscalls-x86_64.txt")) {
            if (in == null) throw new IllegalStateException("syscalls-x86_64.txt missing from the classpath");
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
