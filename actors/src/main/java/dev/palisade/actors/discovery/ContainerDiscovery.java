package dev.palisade.actors.discovery;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds running containers in the runtimes' state roots and says when they start and stop.
 *
 * <p>inotify (Java's WatchService on Linux) watches three kinds of directories: each state root (a container's
 * directory appears or goes), each container's state directory (runc renames a fresh {@code state.json} into
 * it) and each running container's cgroup v2 directory (the kernel touches {@code cgroup.events} when the cgroup
 * empties, so a container whose init died is seen at once even though runc keeps its state until deleted). An
 * event re-examines only the container it concerns. A periodic full scan repairs anything missed: a queue
 * overflow, a root created after start, a pid reused.
 *
 * <p>Runs on its own thread; the listener is called from that thread.
 */
public final class ContainerDiscovery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerDiscovery.class);
    /** containerd's pause container of a pod: no workload runs in it. */
    private static final String CRI_CONTAINER_TYPE = "io.kubernetes.cri.container-type";

    public interface Listener {
        void started(RuntimeContainer c);

        void stopped(RuntimeContainer c);

        /** The first full scan is done: everything running when discovery started has been reported. */
        default void initialScanDone() {}
    }

    /** What a watch key stands for. */
    private sealed interface Watched permits Root, StateDir, CgroupDir {}

    private record Root(Path dir) implements Watched {}

    private record StateDir(Path dir) implements Watched {}

    private record CgroupDir(Path stateDir) implements Watched {}

    private final List<Path> roots;
    private final Duration reconcile;
    private final Listener listener;
    /** Running containers reported as started, by state directory. */
    private final Map<Path, RuntimeContainer> known = new HashMap<>();
    private final Map<Path, WatchKey> cgroupKeys = new HashMap<>();
    private final Map<WatchKey, Watched> keys = new HashMap<>();
    private final Set<Path> watchedDirs = new HashSet<>();
    private final WatchService watcher;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param stateRoots        runc state roots ({@code /run/runc}, {@code /run/containerd/runc/k8s.io}); missing
     *                          ones are looked for again at every reconcile
     * @param reconcileInterval how often everything is rescanned whatever inotify said
     */
    public ContainerDiscovery(List<Path> stateRoots, Duration reconcileInterval, Listener listener) throws IOException {
        this.roots = List.copyOf(stateRoots);
        this.reconcile = reconcileInterval;
        this.listener = listener;
        this.watcher = FileSystems.getDefault().newWatchService();
        this.thread = Thread.ofPlatform().name("container-discovery").daemon(true).unstarted(this::run);
    }

    public ContainerDiscovery start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            scanAll();
        } catch (RuntimeException e) {
            LOG.warn("the first container scan failed; retrying at the next change or reconcile", e);
        }
        listener.initialScanDone();
        long next = System.nanoTime() + reconcile.toNanos();
        while (running) {
            try {
                long wait = Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime()));
                WatchKey key = watcher.poll(wait, TimeUnit.MILLISECONDS);
                Set<Path> dirty = new LinkedHashSet<>();
                boolean full = false;
                for (; key != null; key = watcher.poll()) full |= collect(key, dirty);
                if (full || System.nanoTime() >= next) {
                    scanAll();
                    next = System.nanoTime() + reconcile.toNanos();
                } else {
                    for (Path dir : dirty) examine(dir);
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("container discovery failed; retrying at the next change or reconcile", e);
            }
        }
    }

    /** Adds the container directories a key's events concern; true when only a full scan will do. */
    private boolean collect(WatchKey key, Set<Path> dirty) {
        Watched w = keys.get(key);
        boolean full = false;
        for (WatchEvent<?> e : key.pollEvents()) {
            if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
                full = true;
            } else if (w instanceof Root(Path dir) && e.context() instanceof Path name) {
                dirty.add(dir.resolve(name));
            } else if (w instanceof StateDir(Path dir)) {
                dirty.add(dir);
            } else if (w instanceof CgroupDir(Path stateDir)) {
                dirty.add(stateDir);
            }
        }
        if (!key.reset()) {
            keys.remove(key);
            if (w instanceof Root(Path dir)) watchedDirs.remove(dir);
            if (w instanceof StateDir(Path dir)) watchedDirs.remove(dir);
            if (w instanceof CgroupDir(Path stateDir)) cgroupKeys.remove(stateDir);
        }
        return full;
    }

    /** Compares every state root with what was reported, and reports the difference. */
    private void scanAll() {
        Set<Path> present = new HashSet<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) continue;
            watch(root, new Root(root));
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
                for (Path dir : dirs) {
                    present.add(dir);
                    RuntimeContainer k = known.get(dir);
                    // A known container whose init still runs is unchanged: its state file is read only on events.
                    if (k == null || !StateFileReader.alive(k)) examine(dir);
                }
            } catch (IOException e) {
                LOG.debug("cannot list {}: {}", root, e.toString());
            }
        }
        for (Path dir : List.copyOf(known.keySet())) if (!present.contains(dir)) examine(dir);
    }

    /** Looks at one container directory and reports a start or a stop if that is what happened. */
    private void examine(Path dir) {
        // Watch before reading: a state.json written in between still produces an event.
        if (Files.isDirectory(dir)) watch(dir, new StateDir(dir));
        Optional<RuntimeContainer> now = StateFileReader.read(dir.resolve("state.json"))
                .filter(c -> !"sandbox".equals(c.annotations().get(CRI_CONTAINER_TYPE)))
                .filter(StateFileReader::alive);
        RuntimeContainer before = known.get(dir);
        if (before != null && (now.isEmpty() || !now.get().sameProcess(before))) {
            known.remove(dir);
            WatchKey cg = cgroupKeys.remove(dir);
            if (cg != null) {
                cg.cancel();
                keys.remove(cg);
            }
            listener.stopped(before);
            before = null;
        }
        if (before == null && now.isPresent()) {
            RuntimeContainer c = now.get();
            known.put(dir, c);
            watchCgroup(dir, c);
            // The init may have died between reading its stat and watching its cgroup: look once more.
            if (!StateFileReader.alive(c)) {
                known.remove(dir);
                return;
            }
            listener.started(c);
        }
    }

    private void watchCgroup(Path stateDir, RuntimeContainer c) {
        if (c.cgroupV2Path().isEmpty()) return;
        try {
            WatchKey k = Path.of(c.cgroupV2Path()).register(watcher, StandardWatchEventKinds.ENTRY_MODIFY);
            keys.put(k, new CgroupDir(stateDir));
            cgroupKeys.put(stateDir, k);
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot watch {} (its stop is seen at the next reconcile): {}", c.cgroupV2Path(), e.toString());
        }
    }

    private void watch(Path dir, Watched what) {
        if (watchedDirs.contains(dir)) return;
        try {
            WatchKey k = dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
            keys.put(k, what);
            watchedDirs.add(dir);
        } catch (IOException e) {
            LOG.debug("cannot watch {}: {}", dir, e.toString());
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            watcher.close();
        } catch (IOException e) {
            LOG.debug("closing the watch service: {}", e.toString());
        }
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
