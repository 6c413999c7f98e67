package dev.palisade.streams.logs;

import dev.palisade.telemetry.AgentMessage;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.Telemetry;

/**
 * The client-side narrowing of {@code palisade logs}: namespace, pod, container and operation must equal the given
 * value when one is given (null or empty = any). Agent messages carry none of these and pass only when no
 * namespace, pod or container is asked for.
 */
public record RecordSelector(String namespace, String pod, String container, String operation) {
    public static final RecordSelector ANY = new RecordSelector(null, null, null, null);

    public boolean test(Telemetry r) {
        return switch (r) {
            case Alert a -> matches(a.namespaceName(), a.podName(), a.containerName(), a.operation());
            case Log l -> matches(l.namespaceName(), l.podName(), l.containerName(), l.operation());
            case AgentMessage m -> blank(namespace) && blank(pod) && blank(container) && blank(operation);
        };
    }

    private boolean matches(String ns, String p, String c, String op) {
        return eq(namespace, ns) && eq(pod, p) && eq(container, c) && eqIgnoreCase(operation, op);
    }

    private static boolean eq(String wanted, String actual) {
        return blank(wanted) || wanted.equals(actual);
    }

    private static boolean eqIgnoreCase(String wanted, String actual) {
        return blank(wanted) || wanted.equalsIgnoreCase(actual);
    }

    private static boolean blank(String s) {
        return s == null || s.isEmpty();
    }
}
