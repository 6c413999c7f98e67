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
 * Writes records as JSON lines in KubeArmor's field names straight into a stream, without building a String per
 * record: logs and alerts field by field ({@link TelemetryFieldWriter}), anything else through
 * {@link TelemetryJson}'s mapper.
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
        write(gen, record);
        gen.close();
        out.write('\n');
    }

    /**
     * A generator for many lines into one stream: {@link #write} then a newline per record. Its own buffer is
     * flushed into {@code out} by {@link JsonGenerator#flush()}, which does not flush {@code out} itself.
     */
    static JsonGenerator lineGenerator(OutputStream out) throws IOException {
        JsonGenerator gen = FACTORY.createGenerator(out);
        gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        gen.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        gen.setRootValueSeparator(null);
        return gen;
    }

    static void write(JsonGenerator gen, Telemetry record) throws IOException {
        switch (record) {
            case Log l -> TelemetryFieldWriter.write(gen, l);
            case Alert a -> TelemetryFieldWriter.write(gen, a);
            default -> WRITER.writeValue(gen, record);
        }
    }

    /** One record as UTF-8 JSON, without a newline. */
    public static byte[] encode(Telemetry record) {
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
