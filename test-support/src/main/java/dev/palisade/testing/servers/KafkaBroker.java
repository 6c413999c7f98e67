package dev.palisade.testing.servers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one JVM of its own) on free 127.0.0.1 ports,
 * from {@code org.apache.kafka:kafka_2.13:4.3.1} and its runtime jars, which Maven fetches once into the
 * {@link ServerCache}. Each broker gets fresh storage in a temporary directory; {@link #close()} stops the JVM by
 * its pid and removes the directory.
 */
public final class KafkaBroker implements AutoCloseable {
    public static final String VERSION = "4.3.1";
    private static final String SLF4J = "2.0.17";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final Path dir;
    private final int port;

    private KafkaBroker(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Formats storage, starts the broker and waits until it says it has started. */
    public static KafkaBroker start() {
        Path libs = ServerCache.entry("kafka-" + VERSION, KafkaBroker::fetchJars).resolve("libs");
        Path dir = null;
        Process p = null;
        try {
            dir = Files.createTempDirectory("palisade-kafka-");
            int port = FreePorts.pick();
            int controller = FreePorts.pick();
            Path props = dir.resolve("server.properties");
            Files.writeString(props, serverProperties(dir.resolve("data"), port, controller));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cp = libs + "/*";
            ProcessRunner.run(List.of(java, "-cp", cp, "kafka.tools.StorageTool", "format", "-t", clusterId(),
                    "-c", props.toString(), "--standalone"), dir, Duration.ofSeconds(60), "Kafka storage format");
            Path log = dir.resolve("broker.log");
            List<String> cmd = new ArrayList<>(List.of(java, "-Xms256m", "-Xmx512m",
                    "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
                    "-cp", cp, "kafka.Kafka", props.toString()));
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            awaitStarted(p, log, port);
            return new KafkaBroker(p, dir, port);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            String logTail = dir == null ? "" : "\nbroker log:\n" + ProcessRunner.tail(dir.resolve("broker.log"), 40);
            stop(p);
            deleteQuietly(dir);
            throw new IllegalStateException("Kafka broker " + VERSION + " did not start: " + e.getMessage() + logTail, e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        stop(process);
        deleteQuietly(dir);
    }

    private static void fetchJars(Path dir) throws IOException, InterruptedException {
        Files.writeString(dir.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>dev.palisade.testing</groupId><artifactId>kafka-broker-jars</artifactId><version>1</version>
                  <packaging>pom</packaging>
                  <dependencies>
                    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>%s</version></dependency>
                    <!-- the broker logs through SLF4J; without a binding its start-up line would not show -->
                    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>%s</version></dependency>
                    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>%s</version></dependency>
                  </dependencies>
                </project>
                """.formatted(VERSION, SLF4J, SLF4J));
        ServerCache.maven(dir, Duration.ofMinutes(10), "dependency:copy-dependencies",
                "-DoutputDirectory=" + dir.resolve("libs"), "-DincludeScope=runtime");
    }

    private static String serverProperties(Path data, int port, int controller) {
        return """
                process.roles=broker,controller
                node.id=1
                controller.quorum.bootstrap.servers=127.0.0.1:%2$d
                listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
                log.dirs=%3$s
                num.partitions=3
                offsets.topic.replication.factor=1
                offsets.topic.num.partitions=1
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                auto.create.topics.enable=true
                """.formatted(port, controller, data);
    }

    /** Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding, not starting with '-'. */
    private static String clusterId() {
        SecureRandom random = new SecureRandom();
        byte[] b = new byte[16];
        String id;
        do {
            random.nextBytes(b);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        } while (id.startsWith("-"));
        return id;
    }

    private static void awaitStarted(Process p, Path log, int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new IOException("the broker exited with code " + p.exitValue());
            if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains("Kafka Server started")
                    && accepts(port)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IOException("no 'Kafka Server started' within " + START_TIMEOUT);
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void stop(Process p) {
        if (p == null) return;
        p.destroy();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
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
