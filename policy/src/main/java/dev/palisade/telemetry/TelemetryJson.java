package dev.palisade.telemetry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** JSON lines in KubeArmor's field names: one shared, thread-safe mapper. */
public final class TelemetryJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private TelemetryJson() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** One line of JSON (no newline). */
    public static String write(Object record) {
        try {
            return MAPPER.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + record.getClass().getSimpleName() + " as JSON", e);
        }
    }

    public static Log readLog(String json) throws JsonProcessingException {
        return MAPPER.readValue(json, Log.class);
    }

    public static Alert readAlert(String json) throws JsonProcessingException {
        return MAPPER.readValue(json, Alert.class);
    }
}
