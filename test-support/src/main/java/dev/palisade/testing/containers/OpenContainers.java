package dev.palisade.testing.containers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Containers this JVM started and has not closed; a shutdown hook closes whatever a test left open. */
final class OpenContainers {
    private OpenContainers() {}

    private static final Set<RuncContainer> OPEN = Collections.synchronizedSet(new LinkedHashSet<>());
    private static boolean hookInstalled;

    static synchronized void add(RuncContainer c) {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(OpenContainers::closeAll, "palisade-container-cleanup"));
            hookInstalled = true;
        }
        OPEN.add(c);
    }

    static void remove(RuncContainer c) {
        OPEN.remove(c);
    }

    private static void closeAll() {
        List<RuncContainer> left;
        synchronized (OPEN) {
            left = new ArrayList<>(OPEN);
        }
        Collections.reverse(left);
        for (RuncContainer c : left) {
            try {
                c.close();
            } catch (RuntimeException e) {
                System.err.println("[palisade test-support] cleanup of container " + c.id() + " failed: " + e);
            }
        }
    }
}
