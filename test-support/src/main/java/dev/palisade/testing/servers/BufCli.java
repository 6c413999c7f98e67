package dev.palisade.testing.servers;

import dev.palisade.testing.HostCommand;
import dev.palisade.testing.MachineCheck;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code buf}, an independent gRPC client: {@code buf curl} reads a .proto and speaks gRPC to a server, so a test
 * of our server against KubeArmor's own proto proves wire compatibility. Taken from PATH, else installed once from
 * the npm package {@code @bufbuild/buf} into a cache directory.
 */
public final class BufCli {
    public static final String VERSION = "1.75.0";
    private final Path binary;

    private BufCli(Path binary) {
        this.binary = binary;
    }

    public static synchronized BufCli get() {
        var onPath = MachineCheck.which("buf");
        if (onPath.isPresent()) return new BufCli(onPath.get());
        Path cache = Path.of(System.getenv().getOrDefault("PALISADE_TOOL_CACHE",
                System.getProperty("user.home") + "/.cache/palisade"), "buf-" + VERSION);
        Path bin = cache.resolve("node_modules/.bin/buf");
        if (!Files.isExecutable(bin)) {
            Path npm = MachineCheck.which("npm").orElseThrow(() -> new IllegalStateException(
                    "buf is not on PATH and npm is missing to install it (Debian package npm, or Node.js from nodejs.org)"));
            try {
                Files.createDirectories(cache);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            HostCommand.run(Duration.ofMinutes(5), cache, List.of(npm.toString(), "install", "--no-audit", "--no-fund",
                    "--prefix", cache.toString(), "@bufbuild/buf@" + VERSION)).orThrow();
        }
        return new BufCli(bin);
    }

    /**
     * A running {@code buf curl} of a server-streaming method: lines of its JSON output arrive on {@link #next}.
     * Close it to end the stream.
     */
    public static final class Stream implements AutoCloseable {
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuilder stderr = new StringBuilder();

        Stream(Process process) {
            this.process = process;
            Thread.ofPlatform().daemon(true).start(() -> pump(process.getInputStream(), lines, null));
            Thread.ofPlatform().daemon(true).start(() -> pump(process.getErrorStream(), null, stderr));
        }

        private static void pump(java.io.InputStream in, BlockingQueue<String> to, StringBuilder sb) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    if (to != null) to.add(l);
                    else synchronized (sb) { sb.append(l).append('\n'); }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }

        /** The next output line, or null after {@code timeout}. */
        public String next(Duration timeout) throws InterruptedException {
            return lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        public String stderr() {
            synchronized (stderr) {
                return stderr.toString();
            }
        }

        public boolean alive() {
            return process.isAlive();
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    /** {@code buf curl --protocol grpc --http2-prior-knowledge --schema proto -d json url}, streaming. */
    public Stream curlStream(Path schema, String url, String json) {
        List<String> argv = new ArrayList<>(List.of(binary.toString(), "curl", "--protocol", "grpc", "--http2-prior-knowledge",
                "--schema", schema.toString(), "-d", json, url));
        try {
            return new Stream(new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start buf", e);
        }
    }

    /** A unary call: the whole JSON output, after the call ends. */
    public HostCommand.Result curl(Path schema, String url, String json) {
        return HostCommand.run(Duration.ofSeconds(60), binary.toString(), "curl", "--protocol", "grpc",
                "--http2-prior-knowledge", "--schema", schema.toString(), "-d", json, url);
    }
}
