package dev.palisade.testing.servers;

import dev.palisade.testing.MachineCheck;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
 * {@code buf}, an independent gRPC client: from PATH, else from the npm package {@code @bufbuild/buf} installed once
 * into the {@link ServerCache} (npm must be on PATH; {@code .ci/run} installs it).
 */
public final class BufCli {
    public static final String VERSION = "1.75.0";

    private final Path executable;

    private BufCli(Path executable) {
        this.executable = executable;
    }

    public static BufCli find() {
        Path onPath = MachineCheck.which("buf").orElse(null);
        if (onPath != null) return new BufCli(onPath);
        Path dir = ServerCache.entry("buf-" + VERSION, d -> {
            String npm = MachineCheck.which("npm").map(Path::toString).orElseThrow(() ->
                    new IOException("buf is not on PATH and npm is missing to install @bufbuild/buf (Debian package npm)"));
            ProcessRunner.run(List.of(npm, "install", "--no-audit", "--no-fund", "--prefix", d.toString(),
                    "@bufbuild/buf@" + VERSION), d, Duration.ofMinutes(5), "npm install @bufbuild/buf");
        });
        Path exe = dir.resolve("node_modules/.bin/buf");
        if (!Files.isExecutable(exe)) throw new IllegalStateException("npm installed @bufbuild/buf but " + exe + " is missing");
        return new BufCli(exe);
    }

    public Path executable() {
        return executable;
    }

    /**
     * Starts {@code buf curl --protocol grpc --http2-prior-knowledge --schema SCHEMA -d BODY URL}; the returned call
     * streams the response's output lines (buf prints each message as indented JSON over several lines).
     */
    public Call curl(Path schemaProto, String url, String jsonBody) {
        List<String> cmd = List.of(executable.toString(), "curl", "--protocol", "grpc", "--http2-prior-knowledge",
                "--schema", schemaProto.toString(), "-d", jsonBody, url);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            return new Call(p, String.join(" ", cmd));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + executable + ": " + e.getMessage(), e);
        }
    }

    /** A running {@code buf curl}: its output, line by line, as it arrives. */
    public static final class Call implements AutoCloseable {
        private final Process process;
        private final String command;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Thread reader;

        Call(Process process, String command) {
            this.process = process;
            this.command = command;
            this.reader = Thread.ofVirtual().start(() -> {
                try (var r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        all.add(line);
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process was ended
                }
            });
        }

        /** The next output line, or null when none came within {@code timeout}. */
        public String nextLine(Duration timeout) throws InterruptedException {
            return lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /**
         * Reads whole JSON messages (buf prints one object per message, starting with "{" and ending with "}" at
         * column 0) until {@code count} arrived or {@code timeout} passed.
         */
        public List<String> messages(int count, Duration timeout) throws InterruptedException {
            List<String> messages = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (messages.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) break;
                String line = lines.poll(left, TimeUnit.NANOSECONDS);
                if (line == null) break;
                current.append(line).append('\n');
                if (line.equals("}")) {
                    messages.add(current.toString());
                    current.setLength(0);
                }
            }
            return messages;
        }

        /** Waits for buf to exit; returns its exit code. */
        public int waitFor(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("buf did not exit within " + timeout + ": " + command + "\n" + output());
            }
            reader.join(Duration.ofSeconds(5));
            return process.exitValue();
        }

        /** Everything buf printed so far. */
        public String output() {
            synchronized (all) {
                return String.join("\n", all);
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
