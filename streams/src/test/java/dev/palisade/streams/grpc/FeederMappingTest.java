package dev.palisade.streams.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.palisade.streams.TestRecords;
import dev.palisade.telemetry.AgentMessage;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Log;
import java.lang.reflect.RecordComponent;
import org.junit.jupiter.api.Test;

class FeederMappingTest {
    @Test
    void alertRoundTripsEveryField() throws Exception {
        Alert a = TestRecords.alert(7);
        assertEveryComponentSet(a);
        var proto = FeederMapping.toProto(a);
        assertEquals(a, FeederMapping.fromProto(dev.palisade.grpc.feeder.Alert.parseFrom(proto.toByteArray())));
        assertEquals("ksp-block-sh", proto.getPolicyName());
        assertEquals(207, proto.getHostPID());
        assertEquals("Deployment", proto.getOwner().getRef());
    }

    @Test
    void logRoundTripsEveryField() throws Exception {
        Log l = TestRecords.log(3);
        assertEveryComponentSet(l);
        var proto = FeederMapping.toProto(l);
        assertEquals(l, FeederMapping.fromProto(dev.palisade.grpc.feeder.Log.parseFrom(proto.toByteArray())));
        assertEquals("/etc/passwd", proto.getResource());
    }

    @Test
    void messageRoundTripsEveryField() throws Exception {
        AgentMessage m = TestRecords.message(1);
        assertEveryComponentSet(m);
        assertEquals(m, FeederMapping.fromProto(dev.palisade.grpc.feeder.Message.parseFrom(FeederMapping.toProto(m).toByteArray())));
    }

    @Test
    void absentFieldsStayAbsent() {
        Log host = TestRecords.hostLog(1);
        assertEquals(host, FeederMapping.fromProto(FeederMapping.toProto(host)));
        assertEquals(false, FeederMapping.toProto(host).hasOwner());
    }

    /** Guards the round-trip tests: a field left at its zero value would round-trip trivially. */
    private static void assertEveryComponentSet(Record r) throws Exception {
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object v = c.getAccessor().invoke(r);
            assertNotEquals(null, v, c.getName());
            assertNotEquals("", v, c.getName());
            assertNotEquals(0, v instanceof Number n ? n.intValue() : 1, c.getName());
            if (v instanceof java.util.Collection<?> col) assertNotEquals(0, col.size(), c.getName());
            if (v instanceof java.util.Map<?, ?> map) assertNotEquals(0, map.size(), c.getName());
        }
    }
}
