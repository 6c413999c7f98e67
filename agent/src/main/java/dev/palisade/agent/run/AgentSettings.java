package dev.palisade.agent.run;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.palisade.kernel.event.OperationClass;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** {@code palisade.agent}: see reference.conf. */
public record AgentSettings(String clusterName, String enforcer, boolean failClosed, int ringBytes, long wakeupBytes,
                            Set<OperationClass> hostVisibility, Duration readyTimeout) {

    public static AgentSettings from(Config root) {
        Config c = root.getConfig("palisade.agent");
        String enforcer = c.getString("enforcer").toLowerCase(Locale.ROOT);
        if (!Set.of("auto", "bpf-lsm", "fanotify", "audit-only").contains(enforcer)) {
            throw new ConfigException.BadValue(c.origin(), "palisade.agent.enforcer",
                    "must be auto, bpf-lsm, fanotify or audit-only, not \"" + enforcer + "\"");
        }
        Set<OperationClass> host = EnumSet.noneOf(OperationClass.class);
        for (String s : c.getStringList("monitor.host-visibility")) {
            try {
                host.add(OperationClass.valueOf(s.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException.BadValue(c.origin(), "palisade.agent.monitor.host-visibility",
                        "\"" + s + "\" is not one of process, file, network, capabilities");
            }
        }
        return new AgentSettings(c.getString("cluster-name"), enforcer, c.getBoolean("fail-closed"),
                (int) c.getBytes("monitor.ring-size").longValue(), c.getBytes("monitor.wakeup-threshold"), host,
                c.getDuration("ready-timeout"));
    }
}
