package dev.palisade.testing.servers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A real single-node Elasticsearch on free 127.0.0.1 ports: the {@code integ-test-zip} distribution
 * ({@code org.elasticsearch.distribution.integ-test-zip:elasticsearch:9.5.4}, fetched by Maven and unpacked once into
 * the {@link ServerCache}), security off, 512 MB heap, on the JDK running the tests. Elasticsearch refuses to run as
 * root, so under root it runs as the dedicated user {@value #USER} (created with useradd when missing). Each node has
 * its own configuration, data and log directories; {@link #stop()} ends it by pid, {@link #close()} also removes them.
 */
public final class ElasticsearchNode implements AutoCloseable {
    public static final String VERSION = "9.5.4";
    public static final String USER = "palisade-es";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path instance;
    private final int httpPort;
    private final long pid;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ElasticsearchNode(Path instance, int httpPort, long pid) {
        this.instance = instance;
        this.httpPort = httpPort;
        this.pid = pid;
    }

    public static ElasticsearchNode start() {
        Path home = ServerCache.entry("elasticsearch-" + VERSION, ElasticsearchNode::fetchAndUnpack)
                .resolve("elasticsearch-" + VERSION);
        Path instance = null;
        try {
            instance = Files.createTempDirectory(Path.of("/var/tmp"), "palisade-es-");
            Files.setPosixFilePermissions(instance, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path conf = instance.resolve("config");
            copyTree(home.resolve("config"), conf);
            Files.createDirectories(instance.resolve("data"));
            Files.createDirectories(instance.resolve("logs"));
            Optional<String> user = runAsUser();
            if (user.isPresent()) chownTree(instance, user.get());
            int port = FreePorts.pick();
            int transport = FreePorts.pick();
            Path pidFile = instance.resolve("es.pid");
            List<String> cmd = new ArrayList<>();
            user.ifPresent(u -> cmd.addAll(List.of("runuser", "-u", u, "--")));
            cmd.addAll(List.of("env", "ES_JAVA_HOME=" + System.getProperty("java.home"), "ES_PATH_CONF=" + conf,
                    "ES_JAVA_OPTS=-Xms512m -Xmx512m", "ES_TMPDIR=" + instance.resolve("tmp"),
                    home.resolve("bin/elasticsearch").toString(), "-d", "-p", pidFile.toString(),
                    "-E", "cluster.name=palisade-test", "-E", "node.name=palisade-test-node",
                    "-E", "discovery.type=single-node", "-E", "xpack.security.enabled=false",
                    "-E", "network.host=127.0.0.1", "-E", "http.port=" + port, "-E", "transport.port=" + transport,
                    "-E", "path.data=" + instance.resolve("data"), "-E", "path.logs=" + instance.resolve("logs"),
                    "-E", "cluster.routing.allocation.disk.threshold_enabled=false",
                    "-E", "action.destructive_requires_name=false"));
            Files.createDirectories(instance.resolve("tmp"));
            if (user.isPresent()) chownTree(instance.resolve("tmp"), user.get());
            ProcessRunner.run(cmd, instance, START_TIMEOUT, "Elasticsearch launcher");
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ElasticsearchNode node = new ElasticsearchNode(instance, port, pid);
            node.awaitHealthy();
            return node;
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            String logs = instance == null ? "" : "\nlog:\n" + ProcessRunner.tail(instance.resolve("logs/palisade-test.log"), 40);
            if (instance != null) {
                killFromPidFile(instance.resolve("es.pid"));
                deleteQuietly(instance);
            }
            throw new IllegalStateException("Elasticsearch " + VERSION + " did not start: " + e.getMessage() + logs, e);
        }
    }

    /** e.g. {@code http://127.0.0.1:40123} */
    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    public int port() {
        return httpPort;
    }

    public long pid() {
        return pid;
    }

    /** A GET against the node, e.g. {@code /palisade-alerts-*}{@code /_search}; returns status and body. */
    public HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url() + pathAndQuery)).timeout(Duration.ofSeconds(30)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A POST with a JSON body (e.g. {@code /_refresh} or a search). */
    public HttpResponse<String> post(String pathAndQuery, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url() + pathAndQuery)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Stops the node (SIGTERM to its pid, SIGKILL after 30 s) and waits until it is gone. Data stays until close. */
    public void stop() {
        ProcessHandle.of(pid).ifPresent(h -> {
            h.destroy();
            try {
                h.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        });
    }

    @Override
    public void close() {
        stop();
        deleteQuietly(instance);
    }

    private void awaitHealthy() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
                throw new IOException("the node (pid " + pid + ") exited");
            }
            try {
                // GET / answers 405 in this stripped distribution; cluster health is the readiness check.
                HttpResponse<String> r = get("/_cluster/health?wait_for_status=yellow&timeout=1s");
                last = r.statusCode() + " " + r.body();
                if (r.statusCode() == 200 && (r.body().contains("\"green\"") || r.body().contains("\"yellow\""))) return;
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new IOException("cluster not healthy within " + START_TIMEOUT + " (last: " + last + ")");
    }

    private static void fetchAndUnpack(Path dir) throws IOException, InterruptedException {
        ServerCache.maven(dir, Duration.ofMinutes(10), "dependency:copy",
                "-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:" + VERSION + ":zip",
                "-DoutputDirectory=" + dir);
        Path zip = dir.resolve("elasticsearch-" + VERSION + ".zip");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                Path target = dir.resolve(e.getName()).normalize();
                if (!target.startsWith(dir)) throw new IOException("zip entry outside the target: " + e.getName());
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    // zip keeps no modes here: scripts under bin/ must be executable, everything readable by the ES user
                    boolean exec = target.getParent().getFileName().toString().equals("bin");
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(exec ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        Files.delete(zip);
    }

    /** Under root, the unprivileged user Elasticsearch runs as (created when missing); otherwise nobody else. */
    private static Optional<String> runAsUser() throws IOException, InterruptedException {
        if (!"root".equals(System.getProperty("user.name"))) return Optional.empty();
        try {
            ProcessRunner.run(List.of("id", "-u", USER), Path.of("/"), Duration.ofSeconds(10), "id");
        } catch (IOException missing) {
            ProcessRunner.run(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER),
                    Path.of("/"), Duration.ofSeconds(30), "useradd " + USER);
        }
        return Optional.of(USER);
    }

    private static void chownTree(Path root, String user) throws IOException {
        UserPrincipal owner = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(user);
        try (var walk = Files.walk(root)) {
            for (Path p : walk.toList()) Files.setOwner(p, owner);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void killFromPidFile(Path pidFile) {
        try {
            if (!Files.exists(pidFile)) return;
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        } catch (IOException | NumberFormatException ignored) {
            // nothing was started
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) return;
        try {
            ServerCache.deleteTree(dir);
        } catch (IOException ignored) {
            // a temporary directory; nothing else depends on it
        }
    }

}
