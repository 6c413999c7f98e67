package dev.palisade.kernel.event;

import java.util.List;

/**
 * A successful execve/execveat.
 *
 * @param path the path handed to execve, as the task sees it (container-relative inside a container)
 * @param argv the arguments the record holds (bounded; see argvTruncated and argc)
 * @param argc argument count of the new image
 * @param parentExe the parent's executable relative to the task's root; relative (no leading '/') when
 *                  the kernel-side walk was cut short, "" when unknown
 */
public record ProcessExec(EventHeader header, String path, List<String> argv, int argc, String parentExe,
                          boolean pathTruncated, boolean argvTruncated, boolean parentExeTruncated) implements MonitorEvent {
    public ProcessExec {
        argv = List.copyOf(argv);
    }
}
