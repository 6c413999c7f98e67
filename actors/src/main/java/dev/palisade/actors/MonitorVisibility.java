package dev.palisade.actors;

/** Which cgroups the kernel monitor records: the actors switch a container on when it is protected, off when it is gone. */
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
