package dev.palisade.streams.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.PodOwner;
import dev.palisade.telemetry.Telemetry;
import dev.palisade.telemetry.TelemetryJson;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The field-by-field writer against the annotated records as the data-binding mapper writes them: records filled
 * through their canonical constructors from the components they declare today, so a field added to Log or Alert
 * and forgotten in the writer fails here.
 */
class TelemetryByteEncoderTest {
    private final Random random = new Random(20261122);

    @Test
    void logsAreWrittenExactlyAsTheMapperWritesThem() throws Exception {
        for (int i = 0; i < 2000; i++) assertSameJson(fill(Log.class));
    }

    @Test
    void alertsAreWrittenExactlyAsTheMapperWritesThem() throws Exception {
        for (int i = 0; i < 2000; i++) assertSameJson(fill(Alert.class));
    }

    @Test
    void aLineReadsBackToTheSameRecord() throws Exception {
        Log log = Log.builder().timestamp(1763805600).updatedTime("2026-11-22T10:00:00.123456Z").hostName("node-1")
                .type("ContainerLog").operation("File").resource("/etc/\"quoted\"\n\u0001").result("Passed").build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonLineEncoder.writeLine(log, out);
        String line = out.toString(StandardCharsets.UTF_8);
        assertEquals('\n', line.charAt(line.length() - 1));
        assertEquals(log, TelemetryJson.readLog(line.strip()));
    }

    private void assertSameJson(Telemetry record) throws Exception {
        String expected = TelemetryJson.write(record);
        assertEquals(expected, new String(JsonLineEncoder.encode(record), StandardCharsets.UTF_8));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonLineEncoder.writeLine(record, out);
        assertEquals(expected + "\n", out.toString(StandardCharsets.UTF_8));
        // The byte encoder, reused across records as a sink uses it.
        bytes.reset();
        assertTrue(bytes.appendLine(record));
        assertEquals(expected + "\n", new String(bytes.toByteArray(), StandardCharsets.UTF_8));
    }

    private final TelemetryByteEncoder bytes = new TelemetryByteEncoder(16);

    @Test
    void containerBlocksCopiedFromTheByteEncodersCacheMatchTheMapper() throws Exception {
        // Few containers (same String objects, as the published view hands them out) over many records, with and
        // without the fields written before the block; colliding cache slots; a record with a container's id but
        // another pod name.
        List<Log> bases = new ArrayList<>();
        for (int i = 0; i < 200; i++) bases.add(fill(Log.class));
        for (int i = 0; i < 5000; i++) {
            Log b = bases.get(random.nextInt(bases.size()));
            Log e = fill(Log.class);
            String pod = random.nextInt(10) == 0 ? b.podName() + "x" : b.podName();
            Log l = new Log(random.nextBoolean() ? 0 : e.timestamp(), random.nextBoolean() ? "" : e.updatedTime(),
                    b.clusterName(), b.hostName(), b.namespaceName(), b.owner(), pod, b.labels(), b.containerId(),
                    b.containerName(), b.containerImage(), e.hostPpid(), e.hostPid(), e.ppid(), e.pid(), e.uid(),
                    e.parentProcessName(), e.processName(), e.type(), e.source(), e.operation(), e.resource(), e.data(),
                    e.eventData(), e.result(), e.cwd(), e.tty());
            assertSameJson(l);
        }
    }

    @Test
    void numbersAtEveryDigitCountAndSignMatchTheMapper() throws Exception {
        List<Long> values = new ArrayList<>(List.of(Long.MIN_VALUE, Long.MAX_VALUE, -1L, 1L, (long) Integer.MIN_VALUE,
                (long) Integer.MAX_VALUE, Integer.MAX_VALUE + 1L));
        for (long p = 1; p <= 1_000_000_000_000_000_000L; p *= 10) {
            values.add(p - 1);
            values.add(p);
            values.add(-p);
        }
        Log base = fill(Log.class);
        for (long v : values) {
            for (int repeat = 0; repeat < 2; repeat++) { // the second time from the last-number cache
                int i = (int) v;
                assertSameJson(new Log(v, base.updatedTime(), base.clusterName(), base.hostName(), base.namespaceName(),
                        base.owner(), base.podName(), base.labels(), base.containerId(), base.containerName(),
                        base.containerImage(), i, -i, i / 7, i % 1000, i + 1, base.parentProcessName(),
                        base.processName(), base.type(), base.source(), base.operation(), base.resource(), base.data(),
                        base.eventData(), base.result(), base.cwd(), base.tty()));
            }
        }
    }

    @Test
    void theByteEncoderLeavesOtherRecordsToTheMapper() {
        bytes.reset();
        assertFalse(bytes.appendLine(new dev.palisade.telemetry.AgentMessage(1, "t", "c", "h", "", "Message", "Info", "m")));
        assertEquals(0, bytes.size());
    }

    private <T extends Record> T fill(Class<T> type) throws Exception {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            values[i] = value(components[i]);
        }
        Constructor<T> canonical = type.getDeclaredConstructor(types);
        return canonical.newInstance(values);
    }

    private Object value(RecordComponent c) {
        Class<?> t = c.getType();
        if (t == long.class) return random.nextInt(4) == 0 ? 0L : random.nextLong();
        if (t == int.class) return random.nextInt(4) == 0 ? 0 : random.nextInt();
        if (t == String.class) return string();
        if (t == PodOwner.class) {
            return switch (random.nextInt(4)) {
                case 0 -> null;
                case 1 -> new PodOwner("", "", "");
                case 2 -> new PodOwner(null, "nginx", null);
                default -> new PodOwner("Deployment", string(), string());
            };
        }
        if (t == Map.class) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = random.nextInt(3); i > 0; i--) m.put("k" + random.nextInt(100), string() + "");
            return m;
        }
        if (t == List.class && ((ParameterizedType) c.getGenericType()).getActualTypeArguments()[0] == String.class) {
            List<String> l = new ArrayList<>();
            for (int i = random.nextInt(3); i > 0; i--) l.add(string() + "");
            return l;
        }
        throw new AssertionError(c + " has a type this test cannot fill: teach it, and TelemetryByteEncoder");
    }

    private String string() {
        return switch (random.nextInt(6)) {
            case 0 -> null;
            case 1 -> "";
            case 2 -> "/usr/bin/\"quoted\" \\ back\tslash\n";
            case 3 -> "ünïcödé ✓ \u0007 " + random.nextInt();
            case 4 -> random.nextBoolean() ? "Łódź 😀 \u007f\u001f" : "id-" + random.nextInt(5);
            default -> "value-" + random.nextInt(1000);
        };
    }
}
