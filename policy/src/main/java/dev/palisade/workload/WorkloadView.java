package dev.palisade.workload;

/** Where readers (event pipeline, fanotify enforcer, CLI) find the current snapshot; the actors are its only writer. */
@FunctionalInterface
public interface WorkloadView {
    WorkloadSnapshot current();
}
