package dev.palisade.policy.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.match.Capabilities;
import dev.palisade.policy.match.SocketNames;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.TelemetryTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what an operation was from a KubeArmor log line, the way KubeArmor writes them:
 * <ul>
 *   <li>Process: {@code Resource} is the program and its arguments ({@code /usr/bin/sleep 10}); the program is
 *       {@code ProcessName} when the resource starts with it; {@code Source} (first word) is who executed it.</li>
 *   <li>File: {@code Resource} is the path; {@code Data} carries {@code flags=O_WRONLY|O_APPEND}; the acting program
 *       is {@code ProcessName}, else the first word of {@code Source}.</li>
 *   <li>Network: {@code Resource} is {@code domain=AF_INET type=SOCK_STREAM protocol=0}, or
 *       {@code sa_family=AF_INET ...} (type unknown) optionally with {@code protocol=TCP}.</li>
 *   <li>Capabilities: {@code Resource} names the capability ({@code CAP_NET_RAW}, or {@code capability=net_raw}).</li>
 * </ul>
 * Facts a KubeArmor log does not carry can be given in extra fields: {@code OwnerUID} (owner of the file or
 * executable), {@code Args} (a list, overrides the arguments read from Resource), {@code Write} (boolean) and
 * {@code TTY} (already KubeArmor's: a non-empty value means the task has a terminal).
 */
public final class LogInterpreter {
    private static final Pattern KV = Pattern.compile("(\\w+)=(\\S*)");
    private static final List<String> WRITE_FLAGS = List.of("O_WRONLY", "O_RDWR", "O_APPEND", "O_TRUNC", "O_CREAT");
    private static final List<String> WRITE_SYSCALLS = List.of("SYS_UNLINK", "SYS_UNLINKAT", "SYS_RMDIR",
            "SYS_RENAME", "SYS_RENAMEAT", "SYS_RENAMEAT2", "SYS_MKDIR", "SYS_MKDIRAT", "SYS_CHMOD", "SYS_FCHMODAT",
            "SYS_CHOWN", "SYS_FCHOWNAT", "SYS_TRUNCATE", "SYS_LINK", "SYS_LINKAT", "SYS_SYMLINK", "SYS_SYMLINKAT");

    private LogInterpreter() {}

    /** The access the log describes, or empty with no exception when its operation is not one Palisade decides. */
    public static Optional<Access> interpret(Log log, JsonNode raw) {
        String op = log.operation() == null ? "" : log.operation();
        int uid = log.uid();
        int owner = raw.has("OwnerUID") ? raw.get("OwnerUID").asInt(-1) : -1;
        boolean tty = log.tty() != null && !log.tty().isEmpty();
        String data = log.data() == null ? "" : log.data();
        String resource = log.resource() == null ? "" : log.resource().trim();
        return switch (op) {
            case TelemetryTypes.OP_PROCESS -> {
                String program = programOf(resource, log.processName());
                String[] args = raw.has("Args") ? textList(raw.get("Args"))
                        : words(resource.substring(Math.min(program.length(), resource.length())));
                String parent = firstWord(log.source());
                if (parent.isEmpty()) parent = nullToEmpty(log.parentProcessName());
                yield program.isEmpty() ? Optional.empty() : Optional.of(new Access(OperationClass.PROCESS, program,
                        emptyToNull(parent), args, false, tty, uid, owner, -1, -1, -1, -1));
            }
            case TelemetryTypes.OP_FILE -> {
                boolean write = raw.has("Write") ? raw.get("Write").asBoolean() : isWrite(data);
                yield resource.isEmpty() ? Optional.empty() : Optional.of(new Access(OperationClass.FILE, resource,
                        emptyToNull(actor(log)), null, write, tty, uid, owner, -1, -1, -1, -1));
            }
            case TelemetryTypes.OP_NETWORK -> {
                int[] fam = socketOf(resource);
                yield Optional.of(new Access(OperationClass.NETWORK, "", emptyToNull(actor(log)), null, false, tty, uid,
                        owner, fam[0], fam[1], fam[2], -1));
            }
            case TelemetryTypes.OP_CAPABILITIES -> {
                int cap = capabilityOf(resource);
                yield cap < 0 ? Optional.empty() : Optional.of(new Access(OperationClass.CAPABILITIES, "",
                        emptyToNull(actor(log)), null, false, tty, uid, owner, -1, -1, -1, cap));
            }
            default -> Optional.empty();
        };
    }

    private static String actor(Log log) {
        if (log.processName() != null && !log.processName().isEmpty()) return log.processName();
        return firstWord(log.source());
    }

    static String programOf(String resource, String processName) {
        if (processName != null && !processName.isEmpty()
                && (resource.equals(processName) || resource.startsWith(processName + " "))) {
            return processName;
        }
        return firstWord(resource);
    }

    static boolean isWrite(String data) {
        for (Matcher m = KV.matcher(data); m.find(); ) {
            if (m.group(1).equals("flags")) {
                for (String f : m.group(2).split("\\|")) if (WRITE_FLAGS.contains(f)) return true;
            }
            if (m.group(1).equals("syscall") && WRITE_SYSCALLS.contains(m.group(2))) return true;
        }
        return false;
    }

    /** {family, type, protocol}, -1 for what the resource does not say. */
    static int[] socketOf(String resource) {
        int family = -1, type = -1, protocol = -1;
        for (Matcher m = KV.matcher(resource); m.find(); ) {
            String k = m.group(1), v = m.group(2);
            switch (k) {
                case "domain", "sa_family" -> family = familyNumber(v);
                case "type" -> type = typeNumber(v);
                case "protocol" -> {
                    Integer n = parseInt(v);
                    if (n != null) protocol = n;
                    else {
                        int[] named = namedProtocol(v.toLowerCase(Locale.ROOT));
                        if (type < 0) type = named[0];
                        protocol = named[1];
                    }
                }
                default -> { }
            }
        }
        return new int[] {family, type, protocol};
    }

    private static int[] namedProtocol(String name) {
        return switch (name) {
            case "tcp" -> new int[] {SocketNames.SOCK_STREAM, SocketNames.IPPROTO_TCP};
            case "udp" -> new int[] {SocketNames.SOCK_DGRAM, SocketNames.IPPROTO_UDP};
            case "icmp" -> new int[] {SocketNames.SOCK_RAW, SocketNames.IPPROTO_ICMP};
            case "icmpv6" -> new int[] {SocketNames.SOCK_RAW, SocketNames.IPPROTO_ICMPV6};
            case "sctp" -> new int[] {SocketNames.SOCK_SEQPACKET, SocketNames.IPPROTO_SCTP};
            default -> new int[] {-1, -1};
        };
    }

    private static int familyNumber(String v) {
        Integer n = parseInt(v);
        if (n != null) return n;
        return switch (v) {
            case "AF_UNIX", "AF_LOCAL" -> SocketNames.AF_UNIX;
            case "AF_INET" -> SocketNames.AF_INET;
            case "AF_INET6" -> SocketNames.AF_INET6;
            case "AF_NETLINK" -> SocketNames.AF_NETLINK;
            case "AF_PACKET" -> SocketNames.AF_PACKET;
            default -> -1;
        };
    }

    private static int typeNumber(String v) {
        Integer n = parseInt(v);
        if (n != null) return n;
        for (String part : v.split("\\|")) {
            switch (part) {
                case "SOCK_STREAM": return SocketNames.SOCK_STREAM;
                case "SOCK_DGRAM": return SocketNames.SOCK_DGRAM;
                case "SOCK_RAW": return SocketNames.SOCK_RAW;
                case "SOCK_RDM": return SocketNames.SOCK_RDM;
                case "SOCK_SEQPACKET": return SocketNames.SOCK_SEQPACKET;
                case "SOCK_DCCP": return SocketNames.SOCK_DCCP;
                case "SOCK_PACKET": return SocketNames.SOCK_PACKET;
                default: break;
            }
        }
        return -1;
    }

    static int capabilityOf(String resource) {
        for (String w : resource.split("[\\s=,]+")) {
            int n = Capabilities.number(w);
            if (n >= 0) return n;
        }
        return -1;
    }

    private static Integer parseInt(String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String[] words(String s) {
        String t = s.trim();
        return t.isEmpty() ? new String[0] : t.split("\\s+");
    }

    private static String[] textList(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return out.toArray(new String[0]);
    }

    private static String firstWord(String s) {
        if (s == null) return "";
        String t = s.trim();
        int sp = t.indexOf(' ');
        return sp < 0 ? t : t.substring(0, sp);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
