package dev.palisade.streams.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.Telemetry;
import dev.palisade.telemetry.TelemetryJson;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Records as JSON in KubeArmor's field names, one per line or one per message: logs and alerts (every monitored
 * event) through {@link TelemetryByteEncoder}, anything else through {@link TelemetryJson}'s mapper.
 */
public final class JsonLineEncoder {
    private static final JsonFactory FACTORY = TelemetryJson.mapper().getFactory();
    private static final ObjectWriter WRITER =
            TelemetryJson.mapper().writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

    private JsonLineEncoder() {}

    /** Each thread's byte encoder for logs and alerts (Kafka and Elasticsearch encode one record per message). */
    private static final ThreadLocal<TelemetryByteEncoder> BYTES = ThreadLocal.withInitial(() -> new TelemetryByteEncoder(4096));

    /** Appends one record and a newline to {@code out}; neither flushes nor closes it. */
    public static void writeLine(Telemetry record, OutputStream out) throws IOException {
        if (record instanceof Log || record instanceof Alert) {
            TelemetryByteEncoder bytes = BYTES.get();
            bytes.reset();
            bytes.appendLine(record);
            bytes.writeTo(out);
            return;
        }
        JsonGenerator gen = FACTORY.createGenerator(out);
        gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        gen.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        write(gen, record);
        gen.close();
        out.write('\n');
    }

    private static void write(JsonGenerator gen, Telemetry record) throws IOException {
        WRITER.writeValue(gen, record);
    }

    /** One record as UTF-8 JSON, without a newline. */
    public static byte[] encode(Telemetry record) {
        TelemetryByteEncoder line = BYTES.get();
        line.reset();
        if (line.appendLine(record)) return line.toByteArray(line.size() - 1);
        try (ByteArrayBuilder bytes = new ByteArrayBuilder(512)) {
            JsonGenerator gen = FACTORY.createGenerator(bytes);
            write(gen, record);
            gen.close();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + record.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
