package dev.palisade.kernel.event;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.List;

/**
 * The Java side of palisade_event.h: the same structs as FFM layouts, field for field and name for name
 * (struct layouts are named after the C structs). The layout test checks these against the BTF that
 * clang emitted for monitor.bpf.o, so a change on one side only fails the build.
 *
 * <p>The static accessors read header fields of a record in place (zero copy, no allocation), for routing
 * and filtering before a record is decoded.
 */
public final class EventLayout {
    /** PALISADE_EVENT_ABI */
    public static final int ABI_VERSION = 1;

    public static final int COMM_LEN = 16;
    public static final int PATH_LEN = 256;
    public static final int ARGS_LEN = 512;
    public static final int UNIX_PATH_LEN = 108;

    /** enum palisade_truncation bits */
    public static final int TRUNC_FILENAME = 1;
    public static final int TRUNC_ARGS = 2;
    public static final int TRUNC_PARENT_EXE = 4;

    public static final StructLayout HEADER = MemoryLayout.structLayout(
            JAVA_SHORT.withName("kind"),
            JAVA_SHORT.withName("abi"),
            JAVA_INT.withName("size"),
            JAVA_LONG.withName("timestamp_ns"),
            JAVA_LONG.withName("cgroup_id"),
            JAVA_INT.withName("pid"),
            JAVA_INT.withName("tid"),
            JAVA_INT.withName("ppid"),
            JAVA_INT.withName("ns_pid"),
            JAVA_INT.withName("ns_ppid"),
            JAVA_INT.withName("uid"),
            JAVA_INT.withName("gid"),
            JAVA_INT.withName("mnt_ns"),
            JAVA_INT.withName("pid_ns"),
            JAVA_INT.withName("reserved"),
            MemoryLayout.sequenceLayout(COMM_LEN, JAVA_BYTE).withName("comm"))
            .withName("palisade_event_header");

    public static final StructLayout EXEC = MemoryLayout.structLayout(
            HEADER.withName("hdr"),
            JAVA_INT.withName("argc"),
            JAVA_SHORT.withName("filename_len"),
            JAVA_SHORT.withName("args_len"),
            JAVA_SHORT.withName("parent_exe_len"),
            JAVA_SHORT.withName("truncated"),
            JAVA_INT.withName("reserved"),
            MemoryLayout.sequenceLayout(PATH_LEN, JAVA_BYTE).withName("filename"),
            MemoryLayout.sequenceLayout(ARGS_LEN, JAVA_BYTE).withName("args"),
            MemoryLayout.sequenceLayout(PATH_LEN, JAVA_BYTE).withName("parent_exe"))
            .withName("palisade_exec_event");

    public static final StructLayout EXIT = MemoryLayout.structLayout(
            HEADER.withName("hdr"),
            JAVA_INT.withName("exit_code"),
            JAVA_INT.withName("reserved"))
            .withName("palisade_exit_event");

    public static final StructLayout FILE = MemoryLayout.structLayout(
            HEADER.withName("hdr"),
            JAVA_INT.withName("dirfd"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("mode"),
            JAVA_INT.withName("result"),
            JAVA_SHORT.withName("syscall"),
            JAVA_SHORT.withName("path_len"),
            JAVA_INT.withName("reserved"),
            MemoryLayout.sequenceLayout(PATH_LEN, JAVA_BYTE).withName("path"))
            .withName("palisade_file_event");

    public static final StructLayout SOCKET = MemoryLayout.structLayout(
            HEADER.withName("hdr"),
            JAVA_INT.withName("fd"),
            JAVA_INT.withName("result"),
            JAVA_SHORT.withName("family"),
            JAVA_SHORT.withName("type"),
            JAVA_SHORT.withName("protocol"),
            JAVA_SHORT.withName("port"),
            JAVA_SHORT.withName("addr_len"),
            JAVA_SHORT.withName("reserved"),
            JAVA_INT.withName("reserved2"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("addr"),
            MemoryLayout.sequenceLayout(UNIX_PATH_LEN, JAVA_BYTE).withName("unix_path"),
            JAVA_INT.withName("reserved3"))
            .withName("palisade_socket_event");

    public static final StructLayout CAPABILITY = MemoryLayout.structLayout(
            HEADER.withName("hdr"),
            JAVA_INT.withName("capability"),
            JAVA_INT.withName("result"))
            .withName("palisade_capability_event");

    /** Bytes of an enforcement event's data (resource path, then source path). */
    public static final int ENFORCEMENT_DATA_LEN = 8192;

    /** A BPF-LSM decision to report (enforcer.bpf.c's own ring); variable length: hdr.size bytes are written. */
    public static final StructLayout ENFORCEMENT = MemoryLayout.structLayout(
            HEADER.withName("hdr"),
            JAVA_INT.withName("outcome"),
            JAVA_INT.withName("generation"),
            JAVA_INT.withName("retval"),
            JAVA_SHORT.withName("hook"),
            JAVA_SHORT.withName("op_class"),
            JAVA_SHORT.withName("path_len"),
            JAVA_SHORT.withName("source_len"),
            JAVA_INT.withName("arg0"),
            JAVA_INT.withName("arg1"),
            JAVA_INT.withName("arg2"),
            JAVA_INT.withName("reserved"),
            JAVA_INT.withName("reserved2"),
            MemoryLayout.sequenceLayout(ENFORCEMENT_DATA_LEN, JAVA_BYTE).withName("data"))
            .withName("palisade_enforcement_event");

    /** Value of the monitor's `config` map. */
    public static final StructLayout MONITOR_CONFIG = MemoryLayout.structLayout(
            JAVA_LONG.withName("wakeup_threshold"),
            JAVA_INT.withName("host_mnt_ns"),
            JAVA_INT.withName("host_visibility"))
            .withName("palisade_monitor_config");

    /** Every struct of the ABI: the layout test expects exactly these in the object's BTF. */
    public static final List<StructLayout> STRUCTS = List.of(HEADER, EXEC, EXIT, FILE, SOCKET, CAPABILITY, ENFORCEMENT,
            MONITOR_CONFIG);

    // header
    static final long KIND = HEADER.byteOffset(groupElement("kind"));
    static final long ABI = HEADER.byteOffset(groupElement("abi"));
    static final long SIZE = HEADER.byteOffset(groupElement("size"));
    static final long TIMESTAMP = HEADER.byteOffset(groupElement("timestamp_ns"));
    static final long CGROUP_ID = HEADER.byteOffset(groupElement("cgroup_id"));
    static final long PID = HEADER.byteOffset(groupElement("pid"));
    static final long TID = HEADER.byteOffset(groupElement("tid"));
    static final long PPID = HEADER.byteOffset(groupElement("ppid"));
    static final long NS_PID = HEADER.byteOffset(groupElement("ns_pid"));
    static final long NS_PPID = HEADER.byteOffset(groupElement("ns_ppid"));
    static final long UID = HEADER.byteOffset(groupElement("uid"));
    static final long GID = HEADER.byteOffset(groupElement("gid"));
    static final long MNT_NS = HEADER.byteOffset(groupElement("mnt_ns"));
    static final long PID_NS = HEADER.byteOffset(groupElement("pid_ns"));
    static final long COMM = HEADER.byteOffset(groupElement("comm"));
    // exec
    static final long EXEC_ARGC = EXEC.byteOffset(groupElement("argc"));
    static final long EXEC_FILENAME_LEN = EXEC.byteOffset(groupElement("filename_len"));
    static final long EXEC_ARGS_LEN = EXEC.byteOffset(groupElement("args_len"));
    static final long EXEC_PARENT_EXE_LEN = EXEC.byteOffset(groupElement("parent_exe_len"));
    static final long EXEC_TRUNCATED = EXEC.byteOffset(groupElement("truncated"));
    static final long EXEC_FILENAME = EXEC.byteOffset(groupElement("filename"));
    static final long EXEC_ARGS = EXEC.byteOffset(groupElement("args"));
    static final long EXEC_PARENT_EXE = EXEC.byteOffset(groupElement("parent_exe"));
    // exit
    static final long EXIT_CODE = EXIT.byteOffset(groupElement("exit_code"));
    // file
    static final long FILE_DIRFD = FILE.byteOffset(groupElement("dirfd"));
    static final long FILE_FLAGS = FILE.byteOffset(groupElement("flags"));
    static final long FILE_MODE = FILE.byteOffset(groupElement("mode"));
    static final long FILE_RESULT = FILE.byteOffset(groupElement("result"));
    static final long FILE_SYSCALL = FILE.byteOffset(groupElement("syscall"));
    static final long FILE_PATH_LEN = FILE.byteOffset(groupElement("path_len"));
    static final long FILE_PATH = FILE.byteOffset(groupElement("path"));
    // socket
    static final long SOCKET_FD = SOCKET.byteOffset(groupElement("fd"));
    static final long SOCKET_RESULT = SOCKET.byteOffset(groupElement("result"));
    static final long SOCKET_FAMILY = SOCKET.byteOffset(groupElement("family"));
    static final long SOCKET_TYPE = SOCKET.byteOffset(groupElement("type"));
    static final long SOCKET_PROTOCOL = SOCKET.byteOffset(groupElement("protocol"));
    static final long SOCKET_PORT = SOCKET.byteOffset(groupElement("port"));
    static final long SOCKET_ADDR_LEN = SOCKET.byteOffset(groupElement("addr_len"));
    static final long SOCKET_ADDR = SOCKET.byteOffset(groupElement("addr"));
    static final long SOCKET_UNIX_PATH = SOCKET.byteOffset(groupElement("unix_path"));
    // capability
    static final long CAPABILITY_NUMBER = CAPABILITY.byteOffset(groupElement("capability"));
    static final long CAPABILITY_RESULT = CAPABILITY.byteOffset(groupElement("result"));
    // monitor config
    public static final long CONFIG_WAKEUP_THRESHOLD = MONITOR_CONFIG.byteOffset(groupElement("wakeup_threshold"));
    public static final long CONFIG_HOST_MNT_NS = MONITOR_CONFIG.byteOffset(groupElement("host_mnt_ns"));
    public static final long CONFIG_HOST_VISIBILITY = MONITOR_CONFIG.byteOffset(groupElement("host_visibility"));

    private EventLayout() {}

    /** The record's kind code (enum palisade_event_kind). */
    public static int kind(MemorySegment segment, long offset) {
        return Short.toUnsignedInt(segment.get(JAVA_SHORT, offset + KIND));
    }

    public static int abi(MemorySegment segment, long offset) {
        return Short.toUnsignedInt(segment.get(JAVA_SHORT, offset + ABI));
    }

    public static long cgroupId(MemorySegment segment, long offset) {
        return segment.get(JAVA_LONG, offset + CGROUP_ID);
    }

    public static int pid(MemorySegment segment, long offset) {
        return segment.get(JAVA_INT, offset + PID);
    }

    public static long timestampNanos(MemorySegment segment, long offset) {
        return segment.get(JAVA_LONG, offset + TIMESTAMP);
    }

    /** The record size the producer wrote into the header. */
    public static int size(MemorySegment segment, long offset) {
        return segment.get(JAVA_INT, offset + SIZE);
    }

    /** The layout of a record kind. */
    public static StructLayout layoutOf(EventKind kind) {
        return switch (kind) {
            case PROCESS_EXEC -> EXEC;
            case PROCESS_EXIT -> EXIT;
            case FILE_OPEN -> FILE;
            case SOCKET_CREATE, SOCKET_CONNECT, SOCKET_ACCEPT, SOCKET_BIND -> SOCKET;
            case CAPABILITY -> CAPABILITY;
            case ENFORCEMENT -> ENFORCEMENT;
        };
    }
}
