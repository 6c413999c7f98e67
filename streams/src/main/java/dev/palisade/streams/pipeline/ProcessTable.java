package dev.palisade.streams.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The executable of each live process, learned from exec events (and, for processes that started before the
 * monitor, from /proc once): what file, network and capability rules take as the source. Bounded (LRU); exit events
 * remove entries. Only the pipeline's single processing stage touches it.
 */
final class ProcessTable {
    private final int capacity;
    private final Map<Integer, String> exeByPid;

    ProcessTable(int capacity) {
        this.capacity = capacity;
        this.exeByPid = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, String> eldest) {
                return size() > ProcessTable.this.capacity;
            }
        };
    }

    void exec(int pid, String exe) {
        exeByPid.put(pid, exe);
    }

    void exit(int pid) {
        exeByPid.remove(pid);
    }

    /** The executable of {@code pid}: from its exec, else from /proc/pid/exe as the process itself sees it, else "". */
    String exe(int pid) {
        String e = exeByPid.get(pid);
        if (e != null) return e;
        try {
            e = Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "exe")).toString();
            if (e.endsWith(" (deleted)")) e = e.substring(0, e.length() - " (deleted)".length());
        } catch (IOException | UnsupportedOperationException ex) {
            e = "";
        }
        exeByPid.put(pid, e);
        return e;
    }

    /** The working directory of {@code pid}, for relative paths; "" when the process is gone. */
    static String cwd(int pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "cwd")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }
}
