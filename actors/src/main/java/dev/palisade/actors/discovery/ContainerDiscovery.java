package dev.palisade.actors.discovery;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds running containers in the runtimes' state directories and says when they start and stop. inotify (via
 * WatchService) makes a change visible at once; a periodic reconcile repairs anything missed (a watch overflow,
 * a state directory created after start, a container killed without its state being removed). Runs on its own
 * thread; callbacks come from that thread.
 */
public final class ContainerDiscovery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerDiscovery.class);
    private static final String SANDBOX = "io.kubernetes.cri.container-type";

    public interface Listener {
        void started(RuntimeContainer c);

        void stopped(RuntimeContainer c);

        /** The first full scan is done: everything running when discovery started has been reported. */
        default void initialScanDone() {}
    }

    private final List<Path> roots;
    private final Duration reconcile;
    private final Listener listener;
    private final Map<String, RuntimeContainer> known = new HashMap<>();
    private final WatchService watcher;
    private final Set<Path> watched = new HashSet<>();
    private final Thread thread;
    private volatile boolean running = true;

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
        scan();
        listener.initialScanDone();
        long next = System.nanoTime() + reconcile.toNanos();
        while (running) {
            try {
                long wait = Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime()));
                WatchKey key = watcher.poll(wait, TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                    // runc writes state.json just after creating its directory: give it a moment, then rescan.
                    Thread.sleep(20);
                    for (WatchKey k; (k = watcher.poll()) != null; ) {
                        k.pollEvents();
                        k.reset();
                    }
                }
                scan();
                if (System.nanoTime() >= next) next = System.nanoTime() + reconcile.toNanos();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("container discovery scan failed; retrying at the next change or reconcile", e);
            }
        }
    }

    /** Compares what the state directories say with what was reported, and reports the difference. */
    private void scan() {
        Map<String, RuntimeContainer> now = new HashMap<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) continue;
            watch(root);
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
                for (Path dir : dirs) {
                    watch(dir);
                    Optional<RuntimeContainer> c = StateFileReader.read(dir.resolve("state.json"));
                    if (c.isEmpty() || "sandbox".equals(c.get().annotations().get(SANDBOX))) continue;
                    if (StateFileReader.alive(c.get())) now.put(c.get().id(), c.get());
                }
            } catch (IOException e) {
                LOG.debug("cannot list {}: {}", root, e.toString());
            }
        }
        for (RuntimeContainer gone : List.copyOf(known.values())) {
            RuntimeContainer still = now.get(gone.id());
            if (still == null || still.initPid() != gone.initPid()) {
                known.remove(gone.id());
                listener.stopped(gone);
            }
        }
        for (RuntimeContainer c : now.values()) {
            if (!known.containsKey(c.id())) {
                known.put(c.id(), c);
                listener.started(c);
            }
        }
        watched.removeIf(p -> !Files.isDirectory(p));
    }

    private void watch(Path dir) {
        if (watched.contains(dir)) return;
        try {
            dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
            watched.add(dir);
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
