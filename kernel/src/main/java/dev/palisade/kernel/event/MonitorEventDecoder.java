package dev.palisade.kernel.event;

import static dev.palisade.kernel.event.EventLayout.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a monitor record (palisade_event.h) into a {@link MonitorEvent}. The static {@link #decode} allocates every
 * string it reads; an instance reuses the strings it decoded recently (see {@link StringTable}) and belongs to one
 * drain thread.
 */
public final class MonitorEventDecoder {
    private final StringTable strings;

    /** A decoder for one drain thread, remembering up to {@code slots} recent strings. */
    public MonitorEventDecoder(int slots) {
        this.strings = new StringTable(slots, PATH_LEN);
    }

    public MonitorEvent read(MemorySegment segment, long offset, int length) {
        return decode(segment, offset, length, strings);
    }

    public StringTable strings() {
        return strings;
    }

    public static MonitorEvent decode(MemorySegment segment, long offset, int length) {
        return decode(segment, offset, length, null);
    }

    private static MonitorEvent decode(MemorySegment segment, long offset, int length, StringTable strings) {
        if (length < HEADER.byteSize()) {
            throw new MalformedEventException("record of " + length + " bytes is shorter than the event header (" + HEADER.byteSize() + ")");
        }
        int abi = EventLayout.abi(segment, offset);
        if (abi != ABI_VERSION) {
            throw new MalformedEventException("record of event ABI " + abi + ", this decoder reads ABI " + ABI_VERSION);
        }
        int code = EventLayout.kind(segment, offset);
        EventKind kind = EventKind.ofCode(code);
        if (kind == null) throw new MalformedEventException("record of unknown kind " + code + " (ABI " + abi + ")");
        if (kind == EventKind.ENFORCEMENT) {
            throw new MalformedEventException("an enforcement record on a monitor ring (the enforcer has its own ring)");
        }
        long needed = layoutOf(kind).byteSize();
        if (length < needed) {
            throw new MalformedEventException(kind + " record of " + length + " bytes, its layout has " + needed);
        }
        EventHeader h = header(segment, offset, kind, strings);
        return switch (kind) {
            case PROCESS_EXEC -> exec(segment, offset, h, strings);
            case PROCESS_EXIT -> new ProcessExit(h, segment.get(JAVA_INT, offset + EXIT_CODE));
            case FILE_OPEN -> file(segment, offset, h, strings);
            case SOCKET_CREATE, SOCKET_CONNECT, SOCKET_ACCEPT, SOCKET_BIND -> socket(segment, offset, h);
            case CAPABILITY -> new CapabilityCheck(h, segment.get(JAVA_INT, offset + CAPABILITY_NUMBER),
                    segment.get(JAVA_INT, offset + CAPABILITY_RESULT));
            case ENFORCEMENT -> throw new IllegalStateException("unreachable: refused above");
        };
    }

    private static EventHeader header(MemorySegment s, long o, EventKind kind, StringTable strings) {
        return new EventHeader(kind,
                s.get(JAVA_LONG, o + TIMESTAMP),
                s.get(JAVA_LONG, o + CGROUP_ID),
                s.get(JAVA_INT, o + PID),
                s.get(JAVA_INT, o + TID),
                s.get(JAVA_INT, o + PPID),
                s.get(JAVA_INT, o + NS_PID),
                s.get(JAVA_INT, o + NS_PPID),
                s.get(JAVA_INT, o + UID),
                s.get(JAVA_INT, o + GID),
                Integer.toUnsignedLong(s.get(JAVA_INT, o + MNT_NS)),
                Integer.toUnsignedLong(s.get(JAVA_INT, o + PID_NS)),
                string(s, o + COMM, COMM_LEN, COMM_LEN, strings));
    }

    private static ProcessExec exec(MemorySegment s, long o, EventHeader h, StringTable strings) {
        int truncated = u16(s, o + EXEC_TRUNCATED);
        String path = string(s, o + EXEC_FILENAME, PATH_LEN, u16(s, o + EXEC_FILENAME_LEN), strings);
        byte[] args = bytes(s, o + EXEC_ARGS, Math.min(ARGS_LEN, u16(s, o + EXEC_ARGS_LEN)));
        List<String> argv = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < args.length; i++) {
            if (args[i] == 0) {
                argv.add(new String(args, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < args.length) argv.add(new String(args, start, args.length - start, StandardCharsets.UTF_8));
        boolean parentTruncated = (truncated & TRUNC_PARENT_EXE) != 0;
        String parentExe = leafFirstPath(bytes(s, o + EXEC_PARENT_EXE, Math.min(PATH_LEN, u16(s, o + EXEC_PARENT_EXE_LEN))), parentTruncated);
        return new ProcessExec(h, path, argv, s.get(JAVA_INT, o + EXEC_ARGC), parentExe,
                (truncated & TRUNC_FILENAME) != 0, (truncated & TRUNC_ARGS) != 0, parentTruncated);
    }

    /** "dash\0bin\0usr\0" -> "/usr/bin/dash"; cut short -> "bin/dash" (a partial last component is dropped). */
    static String leafFirstPath(byte[] components, boolean truncated) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < components.length; i++) {
            if (components[i] == 0) {
                parts.add(new String(components, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (parts.isEmpty()) return truncated ? "" : (components.length == 0 ? "" : "/");
        StringBuilder b = new StringBuilder();
        for (int i = parts.size() - 1; i >= 0; i--) {
            if (i < parts.size() - 1 || !truncated) b.append('/');
            b.append(parts.get(i));
        }
        return b.toString();
    }

    private static FileOpen file(MemorySegment s, long o, EventHeader h, StringTable strings) {
        int pathLen = u16(s, o + FILE_PATH_LEN);
        return new FileOpen(h, FileSyscall.ofCode(u16(s, o + FILE_SYSCALL)),
                s.get(JAVA_INT, o + FILE_DIRFD), s.get(JAVA_INT, o + FILE_FLAGS), s.get(JAVA_INT, o + FILE_MODE),
                s.get(JAVA_INT, o + FILE_RESULT), string(s, o + FILE_PATH, PATH_LEN, pathLen, strings), pathLen >= PATH_LEN);
    }

    private static SocketEvent socket(MemorySegment s, long o, EventHeader h) {
        int family = u16(s, o + SOCKET_FAMILY);
        InetAddress address = null;
        String unixPath = null;
        try {
            if (family == SocketEvent.AF_INET) {
                address = InetAddress.getByAddress(bytes(s, o + SOCKET_ADDR, 4));
            } else if (family == SocketEvent.AF_INET6) {
                address = InetAddress.getByAddress(bytes(s, o + SOCKET_ADDR, 16));
            }
        } catch (UnknownHostException e) {
            throw new MalformedEventException("socket record with a bad address: " + e.getMessage());
        }
        if (family == SocketEvent.AF_UNIX) {
            int addrLen = u16(s, o + SOCKET_ADDR_LEN);
            boolean abstractName = s.get(JAVA_BYTE, o + SOCKET_UNIX_PATH) == 0 && addrLen > 2;
            if (abstractName) {
                unixPath = "@" + new String(bytes(s, o + SOCKET_UNIX_PATH + 1, Math.min(UNIX_PATH_LEN - 1, addrLen - 3)), StandardCharsets.UTF_8);
            } else {
                unixPath = string(s, o + SOCKET_UNIX_PATH, UNIX_PATH_LEN, UNIX_PATH_LEN, null);
            }
        }
        return new SocketEvent(h, s.get(JAVA_INT, o + SOCKET_FD), s.get(JAVA_INT, o + SOCKET_RESULT), family,
                u16(s, o + SOCKET_TYPE), u16(s, o + SOCKET_PROTOCOL), u16(s, o + SOCKET_PORT), address, unixPath);
    }

    private static int u16(MemorySegment s, long at) {
        return Short.toUnsignedInt(s.get(JAVA_SHORT, at));
    }

    private static byte[] bytes(MemorySegment s, long at, int length) {
        byte[] b = new byte[Math.max(0, length)];
        MemorySegment.copy(s, JAVA_BYTE, at, b, 0, b.length);
        return b;
    }

    /** A NUL-terminated string within max bytes, of which length (including the NUL) were written. */
    private static String string(MemorySegment s, long at, int max, int length, StringTable strings) {
        int limit = Math.min(max, length);
        if (strings != null) return strings.read(s, at, limit);
        int end = 0;
        while (end < limit && s.get(JAVA_BYTE, at + end) != 0) end++;
        return new String(bytes(s, at, end), StandardCharsets.UTF_8);
    }
}
