package dev.palisade.streams.metrics;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The agent's readiness, as {@code /readyz} reports it: false until the agent says it has loaded its policies and
 * attached its programs, and again while it shuts down. Liveness ({@code /healthz}) is true while the process can
 * answer at all, unless the agent declares itself broken.
 */
public final class Readiness {
    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicBoolean live = new AtomicBoolean(true);

    public void setReady(boolean value) { ready.set(value); }

    public boolean isReady() { return ready.get(); }

    public void setLive(boolean value) { live.set(value); }

    public boolean isLive() { return live.get(); }
}
