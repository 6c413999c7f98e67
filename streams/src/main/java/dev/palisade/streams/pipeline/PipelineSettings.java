package dev.palisade.streams.pipeline;

import com.typesafe.config.Config;
import dev.palisade.policy.compile.OperationClass;
import java.util.EnumSet;
import java.util.Set;

/**
 * {@code palisade.pipeline}: buffer sizes, what to emit, throttling.
 *
 * @param enforcedClasses classes whose alerts come from the kernel enforcer (it alone knows the real result); the
 *                        pipeline decides the others from monitor events and reports blocks it cannot enforce as
 *                        {@code Audit (Block)}
 */
public record PipelineSettings(int bufferSize, boolean emitLogs, int maxAlertsPerSecond, long throttleSeconds,
                               int processTableSize, Set<OperationClass> enforcedClasses, String enforcerName) {
    public PipelineSettings {
        enforcedClasses = enforcedClasses.isEmpty() ? EnumSet.noneOf(OperationClass.class) : EnumSet.copyOf(enforcedClasses);
    }

    public static PipelineSettings from(Config root, Set<OperationClass> enforcedClasses, String enforcerName) {
        Config c = root.getConfig("palisade.pipeline");
        return new PipelineSettings(c.getInt("buffer-size"), c.getBoolean("emit-logs"),
                c.getInt("throttling.max-alerts-per-sec"), c.getDuration("throttling.throttle").toSeconds(),
                c.getInt("process-table-size"), enforcedClasses, enforcerName);
    }
}
