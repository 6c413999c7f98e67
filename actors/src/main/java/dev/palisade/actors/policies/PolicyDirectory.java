package dev.palisade.actors.policies;

import dev.palisade.policy.Policy;
import dev.palisade.policy.load.PolicyLoader;
import dev.palisade.policy.load.Problem;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Policies from a watched directory (standalone mode). Each change reloads the directory; a file that has become
 * invalid keeps its last good policies in force (and says so) until it is fixed or deleted, so a typo never
 * drops a workload's protection. Runs on its own thread; the callback gets the whole current set each time.
 */
public final class PolicyDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyDirectory.class);

    private final Path dir;
    private final BiConsumer<List<Policy>, List<Problem>> onChange;
    private final Map<String, List<Policy>> lastGoodByFile = new TreeMap<>();
    private final WatchService watcher;
    private final Thread thread;
    private final Duration reconcile;
    private volatile boolean running = true;
    private Map<String, Long> lastSeen = Map.of();

    public PolicyDirectory(Path dir, Duration reconcile, BiConsumer<List<Policy>, List<Problem>> onChange) throws IOException {
        this.dir = dir;
        this.onChange = onChange;
        this.reconcile = reconcile;
        this.watcher = FileSystems.getDefault().newWatchService();
        this.thread = Thread.ofPlatform().name("policy-directory").daemon(true).unstarted(this::run);
    }

    /** Loads once synchronously (so the caller knows the initial set), then watches. */
    public PolicyDirectory start() {
        reload();
        thread.start();
        return this;
    }

    private void run() {
        while (running) {
            try {
                WatchKey key = watcher.poll(reconcile.toMillis(), TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                    Thread.sleep(50); // editors write in several steps
                    for (WatchKey k; (k = watcher.poll()) != null; ) {
                        k.pollEvents();
                        k.reset();
                    }
                }
                if (key != null || changed()) reload();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("reloading policies from {} failed; the previous policies stay in force", dir, e);
            }
        }
    }

    /** Modification times differ from the last load (repairs a missed inotify event). */
    private boolean changed() {
        return !fingerprint().equals(lastSeen);
    }

    private Map<String, Long> fingerprint() {
        Map<String, Long> m = new HashMap<>();
        if (!Files.isDirectory(dir)) return m;
        try (var s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).filter(PolicyLoader::isPolicyFile).forEach(p -> {
                try {
                    m.put(p.toString(), Files.getLastModifiedTime(p).toMillis() ^ Files.size(p));
                } catch (IOException e) {
                    m.put(p.toString(), -1L);
                }
            });
        } catch (IOException e) {
            LOG.debug("cannot walk {}: {}", dir, e.toString());
        }
        return m;
    }

    synchronized void reload() {
        watchTree();
        lastSeen = fingerprint();
        List<Problem> problems = new ArrayList<>();
        Map<String, List<Policy>> current = new TreeMap<>();
        for (String file : new TreeMap<>(lastSeen).keySet()) {
            PolicyLoader.Result r = PolicyLoader.load(List.of(Path.of(file)));
            problems.addAll(r.problems());
            if (r.hasErrors() && lastGoodByFile.containsKey(file)) {
                LOG.warn("{} is now invalid; its last good version stays in force until it is fixed", file);
                current.put(file, lastGoodByFile.get(file));
            } else {
                current.put(file, r.policies());
            }
        }
        lastGoodByFile.clear();
        lastGoodByFile.putAll(current);
        for (Problem p : problems) {
            if (p.isError()) LOG.warn("policy rejected: {}", p);
            else LOG.info("{}", p);
        }
        List<Policy> all = new ArrayList<>();
        Map<String, String> definedIn = new HashMap<>();
        current.forEach((file, ps) -> {
            for (Policy p : ps) {
                String earlier = definedIn.putIfAbsent(p.key(), file);
                if (earlier == null) all.add(p);
                else problems.add(Problem.error(file, p.lines().documentLine(), "metadata.name",
                        p.key() + " is already defined in " + earlier + "; this copy is ignored"));
            }
        });
        onChange.accept(List.copyOf(all), List.copyOf(problems));
    }

    private void watchTree() {
        if (!Files.isDirectory(dir)) return;
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    d.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                            StandardWatchEventKinds.ENTRY_MODIFY);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | ClosedWatchServiceException e) {
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
    }
}
