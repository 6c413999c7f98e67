package dev.palisade.kernel.event;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoding of records written field by field (the kernel-produced ones are covered by MonitorTest). */
class MonitorEventDecoderTest {
    private final Arena arena = Arena.ofAuto();

    @Test
    void decodesAnExecRecordWithArgvAndLeafFirstParentPath() {
        MemorySegment r = record(EventLayout.EXEC, EventKind.PROCESS_EXEC);
        put(r, EventLayout.EXEC, "argc", 3);
        putString(r, EventLayout.EXEC, "filename", "filename_len", "/usr/bin/env");
        byte[] args = "env\0-i\0ls\0".getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(args, 0, r, JAVA_BYTE, EventLayout.EXEC.byteOffset(groupElement("args")), args.length);
        r.set(JAVA_SHORT, EventLayout.EXEC.byteOffset(groupElement("args_len")), (short) args.length);
        byte[] parent = "dash\0bin\0usr\0".getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(parent, 0, r, JAVA_BYTE, EventLayout.EXEC.byteOffset(groupElement("parent_exe")), parent.length);
        r.set(JAVA_SHORT, EventLayout.EXEC.byteOffset(groupElement("parent_exe_len")), (short) parent.length);

        ProcessExec e = assertInstanceOf(ProcessExec.class, MonitorEventDecoder.decode(r, 0, (int) r.byteSize()));
        assertEquals("/usr/bin/env", e.path());
        assertEquals(List.of("env", "-i", "ls"), e.argv());
        assertEquals(3, e.argc());
        assertEquals("/usr/bin/dash", e.parentExe());
        assertEquals(4242, e.header().pid());
        assertEquals(77L, e.header().cgroupId());
        assertEquals("tester", e.header().comm());
    }

    @Test
    void truncatedParentPathIsRelativeAndDropsThePartialComponent() {
        byte[] cut = "dash\0bin\0us".getBytes(StandardCharsets.UTF_8);
        assertEquals("bin/dash", MonitorEventDecoder.leafFirstPath(cut, true));
        assertEquals("", MonitorEventDecoder.leafFirstPath(new byte[0], false));
    }

    @Test
    void decodesSocketAddressesOfEachFamily() throws Exception {
        MemorySegment v4 = record(EventLayout.SOCKET, EventKind.SOCKET_CONNECT);
        v4.set(JAVA_SHORT, EventLayout.SOCKET.byteOffset(groupElement("family")), (short) 2);
        v4.set(JAVA_SHORT, EventLayout.SOCKET.byteOffset(groupElement("port")), (short) 8443);
        MemorySegment.copy(new byte[] {10, 1, 2, 3}, 0, v4, JAVA_BYTE, EventLayout.SOCKET.byteOffset(groupElement("addr")), 4);
        SocketEvent s = assertInstanceOf(SocketEvent.class, MonitorEventDecoder.decode(v4, 0, (int) v4.byteSize()));
        assertEquals(InetAddress.getByName("10.1.2.3"), s.address());
        assertEquals(8443, s.port());
        assertNull(s.unixPath());

        MemorySegment unix = record(EventLayout.SOCKET, EventKind.SOCKET_BIND);
        unix.set(JAVA_SHORT, EventLayout.SOCKET.byteOffset(groupElement("family")), (short) 1);
        byte[] abstractName = "\0agent.sock".getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(abstractName, 0, unix, JAVA_BYTE, EventLayout.SOCKET.byteOffset(groupElement("unix_path")), abstractName.length);
        unix.set(JAVA_SHORT, EventLayout.SOCKET.byteOffset(groupElement("addr_len")), (short) (2 + abstractName.length));
        SocketEvent u = assertInstanceOf(SocketEvent.class, MonitorEventDecoder.decode(unix, 0, (int) unix.byteSize()));
        assertEquals("@agent.sock", u.unixPath());
        assertEquals(EventKind.SOCKET_BIND, u.header().kind());
    }

    @Test
    void exitStatusAndSignal() {
        MemorySegment r = record(EventLayout.EXIT, EventKind.PROCESS_EXIT);
        put(r, EventLayout.EXIT, "exit_code", (3 << 8));
        ProcessExit e = assertInstanceOf(ProcessExit.class, MonitorEventDecoder.decode(r, 0, (int) r.byteSize()));
        assertEquals(3, e.exitStatus());
        assertEquals(0, e.terminatingSignal());
        put(r, EventLayout.EXIT, "exit_code", 9);
        assertEquals(9, ((ProcessExit) MonitorEventDecoder.decode(r, 0, (int) r.byteSize())).terminatingSignal());
    }

    @Test
    void refusesRecordsItCannotRead() {
        MemorySegment r = record(EventLayout.FILE, EventKind.FILE_OPEN);
        MalformedEventException shortRecord = assertThrows(MalformedEventException.class, () -> MonitorEventDecoder.decode(r, 0, 100));
        assertTrue(shortRecord.getMessage().contains("FILE_OPEN"), shortRecord.getMessage());
        r.set(JAVA_SHORT, 0, (short) 99);
        assertThrows(MalformedEventException.class, () -> MonitorEventDecoder.decode(r, 0, (int) r.byteSize()));
        r.set(JAVA_SHORT, 0, (short) EventKind.FILE_OPEN.code());
        r.set(JAVA_SHORT, 2, (short) (EventLayout.ABI_VERSION + 1));
        MalformedEventException abi = assertThrows(MalformedEventException.class, () -> MonitorEventDecoder.decode(r, 0, (int) r.byteSize()));
        assertTrue(abi.getMessage().contains("ABI"), abi.getMessage());
    }

    @Test
    void headerAccessorsReadInPlace() {
        MemorySegment r = record(EventLayout.CAPABILITY, EventKind.CAPABILITY);
        MemorySegment ring = arena.allocate(1024, 8);
        MemorySegment.copy(r, 0, ring, 256, r.byteSize());
        assertEquals(EventKind.CAPABILITY.code(), EventLayout.kind(ring, 256));
        assertEquals(77L, EventLayout.cgroupId(ring, 256));
        assertEquals(4242, EventLayout.pid(ring, 256));
        assertEquals((int) EventLayout.CAPABILITY.byteSize(), EventLayout.size(ring, 256));
    }

    private MemorySegment record(StructLayout layout, EventKind kind) {
        MemorySegment r = arena.allocate(layout);
        r.set(JAVA_SHORT, EventLayout.HEADER.byteOffset(groupElement("kind")), (short) kind.code());
        r.set(JAVA_SHORT, EventLayout.HEADER.byteOffset(groupElement("abi")), (short) EventLayout.ABI_VERSION);
        r.set(JAVA_INT, EventLayout.HEADER.byteOffset(groupElement("size")), (int) layout.byteSize());
        r.set(JAVA_LONG, EventLayout.HEADER.byteOffset(groupElement("cgroup_id")), 77L);
        r.set(JAVA_INT, EventLayout.HEADER.byteOffset(groupElement("pid")), 4242);
        byte[] comm = "tester".getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(comm, 0, r, JAVA_BYTE, EventLayout.HEADER.byteOffset(groupElement("comm")), comm.length);
        return r;
    }

    private static void put(MemorySegment r, MemoryLayout layout, String field, int value) {
        r.set(JAVA_INT, layout.byteOffset(groupElement(field)), value);
    }

    private static void putString(MemorySegment r, MemoryLayout layout, String field, String lengthField, String value) {
        byte[] b = (value + "\0").getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(b, 0, r, JAVA_BYTE, layout.byteOffset(groupElement(field)), b.length);
        r.set(JAVA_SHORT, layout.byteOffset(groupElement(lengthField)), (short) b.length);
    }
}
