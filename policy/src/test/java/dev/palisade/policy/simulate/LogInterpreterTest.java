package dev.palisade.policy.simulate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.match.SocketNames;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.TelemetryJson;
import org.junit.jupiter.api.Test;

class LogInterpreterTest {
    static Access read(String json) throws Exception {
        JsonNode raw = TelemetryJson.mapper().readTree(json);
        return LogInterpreter.interpret(TelemetryJson.mapper().treeToValue(raw, Log.class), raw).orElseThrow();
    }

    @Test
    void processResourceIsProgramAndArgumentsAndSourceIsTheExecutingProgram() throws Exception {
        Access a = read("""
                {"Operation":"Process","ProcessName":"/bin/sh","Resource":"/bin/sh -ec vault status","Source":"/usr/bin/runc init","UID":100}""");
        assertEquals(OperationClass.PROCESS, a.operation());
        assertEquals("/bin/sh", a.resource());
        assertArrayEquals(new String[] {"-ec", "vault", "status"}, a.args());
        assertEquals("/usr/bin/runc", a.source());
        assertEquals(100, a.uid());
        assertEquals(-1, a.ownerUid());
    }

    @Test
    void extraFieldsSupplyWhatKubeArmorLogsLack() throws Exception {
        Access a = read("""
                {"Operation":"Process","Resource":"/usr/bin/git push","Source":"/bin/bash","OwnerUID":0,"Args":["status"],"TTY":"pts0"}""");
        assertArrayEquals(new String[] {"status"}, a.args());
        assertEquals(0, a.ownerUid());
        assertTrue(a.tty());
    }

    @Test
    void fileWritesComeFromOpenFlagsOrTheSyscall() throws Exception {
        assertFalse(read("""
                {"Operation":"File","ProcessName":"/bin/cat","Resource":"/etc/x","Data":"syscall=SYS_OPENAT fd=-100 flags=O_RDONLY|O_CLOEXEC"}""").write());
        assertTrue(read("""
                {"Operation":"File","ProcessName":"/bin/cat","Resource":"/etc/x","Data":"syscall=SYS_OPENAT fd=-100 flags=O_WRONLY|O_APPEND"}""").write());
        assertTrue(read("""
                {"Operation":"File","Source":"/bin/rm /sbin/raw","Resource":"/sbin/raw","Data":"syscall=SYS_UNLINKAT flags="}""").write());
        assertEquals("/bin/rm", read("""
                {"Operation":"File","Source":"/bin/rm /sbin/raw","Resource":"/sbin/raw","Data":"syscall=SYS_UNLINKAT"}""").source());
    }

    @Test
    void networkResourcesInBothKubeArmorForms() throws Exception {
        Access socket = read("""
                {"Operation":"Network","ProcessName":"/bin/vault","Resource":"domain=AF_UNIX type=SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC protocol=0"}""");
        assertEquals(SocketNames.AF_UNIX, socket.family());
        assertEquals(SocketNames.SOCK_STREAM, socket.type());
        assertEquals(0, socket.protocol());
        Access connect = read("""
                {"Operation":"Network","ProcessName":"/main","Resource":"sa_family=AF_INET sin_port=53 sin_addr=10.0.0.10"}""");
        assertEquals(SocketNames.AF_INET, connect.family());
        assertEquals(-1, connect.type());
        Access tcp = read("""
                {"Operation":"Network","ProcessName":"/main","Resource":"remoteip=10.0.0.1 port=443 protocol=TCP"}""");
        assertEquals(SocketNames.SOCK_STREAM, tcp.type());
        assertEquals(SocketNames.IPPROTO_TCP, tcp.protocol());
    }

    @Test
    void capabilityNames() throws Exception {
        assertEquals(13, read("{\"Operation\":\"Capabilities\",\"ProcessName\":\"/bin/ping\",\"Resource\":\"CAP_NET_RAW\"}").capability());
        assertEquals(21, read("{\"Operation\":\"Capabilities\",\"ProcessName\":\"/x\",\"Resource\":\"capability=sys_admin\"}").capability());
    }
}
