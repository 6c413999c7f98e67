package dev.palisade.policy.discover;

import dev.palisade.policy.match.Capabilities;
import dev.palisade.policy.match.SocketNames;
import dev.palisade.policy.simulate.Access;
import java.util.Map;
import java.util.TreeMap;

/** Everything one workload was seen doing, by operation class. Mutable, single-threaded. */
final class Observations {
    final Map<String, Usage> executions = new TreeMap<>();
    final Map<String, Usage> files = new TreeMap<>();
    final Map<String, Usage> protocols = new TreeMap<>();
    final Map<String, Usage> capabilities = new TreeMap<>();
    long events;
    /** Network events whose socket type the log did not say (KubeArmor's connect logs): not learnable. */
    long unknownSockets;

    void add(Access a) {
        events++;
        switch (a.operation()) {
            case PROCESS -> executions.computeIfAbsent(a.resource(), k -> new Usage()).add(a.source(), false);
            case FILE -> files.computeIfAbsent(a.resource(), k -> new Usage()).add(a.source(), a.write());
            case NETWORK -> {
                String name = a.type() >= 0 ? SocketNames.protocolName(a.family(), a.type(), Math.max(a.protocol(), 0)) : null;
                if (name == null && a.type() >= 0) name = SocketNames.typeName(a.type());
                if (name != null) protocols.computeIfAbsent(name, k -> new Usage()).add(a.source(), false);
                else unknownSockets++;
            }
            case CAPABILITIES -> {
                String name = Capabilities.name(a.capability());
                if (name != null) capabilities.computeIfAbsent(name, k -> new Usage()).add(a.source(), false);
            }
        }
    }
}
