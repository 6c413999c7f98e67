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
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Policies from a watched directory (standalone mode). A change (inotify, or a differing modification time or
 * size at the periodic check) reloads the files that changed; the others keep their parsed policies. An invalid
 * document is reported and skipped while the rest of the directory applies; a file that has become invalid keeps
 * its last good policies in force (and says so in the log) until it is fixed or deleted, so a typo never drops a
 * workload's protection. Runs on its own thread; the listener gets the whole current set and the problems of
 * each reload.
 */
public final class PolicyDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyDirectory.class);

    public interface Listener {
        /**
         * @param policies    every policy in force from the directory
         * @param newProblems problems not reported at the previous reload (each is reported once)
         */
        void changed(List<Policy> policies, List<Problem> newProblems);
    }

    /** A file as last loaded: its fingerprint, what it yielded, the policies kept in force from it. */
    private record Loaded(long fingerprint, List<Problem> problems, List<Policy> inForce) {}

    private final Path dir;
    private final Listener listener;
    private final Duration recheck;
    private final WatchService watcher;
    private final Thread thread;
    private final Map<Path, Loaded> files = new TreeMap<>();
    private List<Problem> reported = List.of();
    private volatile boolean running = true;

    /** @param recheck how often modification times are compared, whatever inotify said */
    public PolicyDirectory(Path dir, Duration recheck, Listener listener) throws IOException {
        this.dir = dir;
        this.listener = listener;
        this.recheck = recheck;
        this.watcher = FileSystems.getDefault().newWatchService();
        this.thread = Thread.ofPlatform().name("policy-directory").daemon(true).unstarted(this::run);
    }

    /** Loads once on the caller's thread (so the caller has the initial set), then watches. */
    public PolicyDirectory start() {
        if (!Files.isDirectory(dir)) {
            LOG.warn("policy directory {} does not exist (yet); no policies are in force until it does", dir);
        }
        reload();
        thread.start();
        return this;
    }

    private void run() {
        while (running) {
            try {
                WatchKey key = watcher.poll(recheck.toMillis(), TimeUnit.MILLISECONDS);
                if (key != null) {
                    // Editors write a file in several steps: let them finish, then take every queued event.
                    Thread.sleep(50);
                    for (; key != null; key = watcher.poll()) {
                        key.pollEvents();
                        key.reset();
                    }
                }
                reload();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("reloading policies from {} failed; the previous policies stay in force", dir, e);
            }
        }
    }

    /** Reloads the files whose fingerprint changed; tells the listener if anything did. */
    synchronized void reload() {
        watchTree();
        Map<Path, Long> now = fingerprints();
        boolean changed = files.keySet().removeIf(f -> !now.containsKey(f));
        for (Map.Entry<Path, Long> e : now.entrySet()) {
            Loaded before = files.get(e.getKey());
            if (before != null && before.fingerprint() == e.getValue()) continue;
            changed = true;
            PolicyLoader.Result r = PolicyLoader.load(List.of(e.getKey()));
            List<Policy> inForce = r.policies();
            if (r.hasErrors() && before != null && !before.inForce().isEmpty()) {
                LOG.warn("{} is now invalid; its last good version ({}) stays in force until it is fixed or deleted",
                        e.getKey(), before.inForce().stream().map(Policy::key).toList());
                inForce = before.inForce();
            }
            files.put(e.getKey(), new Loaded(e.getValue(), r.problems(), inForce));
        }
        if (!changed) return;
        List<Problem> problems = new ArrayList<>();
        List<Policy> all = new ArrayList<>();
        Map<String, Policy> byKey = new HashMap<>();
        files.forEach((file, loaded) -> {
            problems.addAll(loaded.problems());
            for (Policy p : loaded.inForce()) {
                Policy earlier = byKey.putIfAbsent(p.key(), p);
                if (earlier == null) all.add(p);
                else problems.add(Problem.error(p.source(), p.lines().documentLine(), "metadata.name",
                        p.key() + " is already defined in " + earlier.source() + "; this copy is ignored"));
            }
        });
        List<Problem> fresh = problems.stream().filter(p -> !reported.contains(p)).toList();
        reported = List.copyOf(problems);
        for (Problem p : fresh) {
            if (p.isError()) LOG.warn("policy rejected: {}", p);
            else LOG.info("{}", p);
        }
        LOG.info("{} policies in force from {}", all.size(), dir);
        listener.changed(List.copyOf(all), fresh);
    }

    private Map<Path, Long> fingerprints() {
        Map<Path, Long> m = new TreeMap<>();
        if (!Files.isDirectory(dir)) return m;
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).filter(PolicyLoader::isPolicyFile).forEach(p -> {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    m.put(p, a.lastModifiedTime().to(TimeUnit.NANOSECONDS) * 31 + a.size());
                } catch (IOException e) {
                    m.put(p, -1L);
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.debug("cannot walk {}: {}", dir, e.toString());
        }
        return m;
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
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
