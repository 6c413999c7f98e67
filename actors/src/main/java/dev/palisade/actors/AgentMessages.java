package dev.palisade.actors;

import dev.palisade.telemetry.AgentMessage;
import java.time.Instant;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the actors report what users must know (an unusable annotation, an invalid policy, rules the enforcer
 * refused): the agent's log and, as KubeArmor {@code Message}s, the telemetry sinks. A sink that throws never
 * disturbs the actors.
 */
public final class AgentMessages {
    private static final Logger LOG = LoggerFactory.getLogger(AgentMessages.class);
    private final String clusterName;
    private final String nodeName;
    private final Consumer<AgentMessage> sink;

    public AgentMessages(String clusterName, String nodeName, Consumer<AgentMessage> sink) {
        this.clusterName = clusterName;
        this.nodeName = nodeName;
        this.sink = sink;
    }

    public void warning(String text) {
        send("Warning", text);
    }

    public void info(String text) {
        send("Info", text);
    }

    private void send(String level, String text) {
        Instant now = Instant.now();
        try {
            sink.accept(new AgentMessage(now.getEpochSecond(), now.toString(), clusterName, nodeName, "", "Message",
                    level, text));
        } catch (RuntimeException e) {
            LOG.warn("an agent message could not be delivered ({}): {}", e.toString(), text);
        }
    }
}
