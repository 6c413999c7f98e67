package dev.palisade.actors;

/**
 * Which cgroups the kernel monitor records: the actors switch a container on once its rules are visible in the
 * view, off once it is gone from it. Called from the view's publishing thread, in order; must be quick and
 * thread-safe.
 */
public interface MonitorVisibility {
    MonitorVisibility NONE = new MonitorVisibility() {
        @Override
        public void watch(long cgroupId) {}

        @Override
        public void unwatch(long cgroupId) {}
    };

    void watch(long cgroupId);

    void unwatch(long cgroupId);
}
