package dev.palisade.streams.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.palisade.telemetry.Telemetry;
import dev.palisade.telemetry.TelemetryJson;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes records as JSON lines in KubeArmor's field names (through {@link TelemetryJson}'s mapper) straight into a
 * stream, without building a String per record.
 */
public final class JsonLineEncoder {
    private static final JsonFactory FACTORY = TelemetryJson.mapper().getFactory();
    private static final ObjectWriter WRITER =
            TelemetryJson.mapper().writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

    private JsonLineEncoder() {}

    /** Appends one record and a newline to {@code out}; neither flushes nor closes it. */
    public static void writeLine(Telemetry record, OutputStream out) throws IOException {
        JsonGenerator gen = FACTORY.createGenerator(out);
        gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        gen.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        WRITER.writeValue(gen, record);
        gen.close();
        out.write('\n');
    }

    /** One record as UTF-8 JSON, without a newline. */
    public static byte[] encode(Telemetry record) {
        try {
            return WRITER.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + record.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
