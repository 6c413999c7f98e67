package dev.palisade.streams.sink;

import dev.palisade.telemetry.Telemetry;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;

/**
 * JSON lines to stdout or to a file. Writing blocks, so the sink runs on a thread of its own: a stalled
 * reader of stdout or a slow disk fills this sink's buffer and nothing else. Each batch of the pipeline is encoded
 * into one buffer and written at once; lines are flushed at most one flush interval later (at once with a zero
 * interval).
 */
public final class JsonLinesOutput implements TelemetryOutput {
    /** Opens the stream; {@code firstOpen} is false when the sink reopens it after a crash. */
    @FunctionalInterface
    public interface Opener {
        OutputStream open(boolean firstOpen) throws IOException;
    }

    private static final int STREAM_BUFFER = 64 * 1024;
    private static final byte[] NEWLINE = {'\n'};

    private final String name;
    private final Opener opener;
    private final Duration flushInterval;
    private final AtomicBoolean opened = new AtomicBoolean();

    /**
     * @param flushInterval zero flushes after every write; longer leaves lines in a 64 KiB buffer for at most that long
     */
    public JsonLinesOutput(String name, Opener opener, Duration flushInterval) {
        this.name = name;
        this.opener = opener;
        this.flushInterval = flushInterval;
    }

    /** Lines on this process's standard output (as it is when the sink is made); never closes it. */
    public static JsonLinesOutput stdout(Duration flushInterval) {
        PrintStream stdout = System.out;
        return new JsonLinesOutput("stdout", first -> new FilterOutputStream(stdout) {
            @Override
            public void write(byte[] b, int off, int len) {
                stdout.write(b, off, len);
            }

            @Override
            public void close() {
                stdout.flush();
            }
        }, flushInterval);
    }

    /** Lines in a file, created with its directories if missing; {@code append = false} truncates it once, at start. */
    public static JsonLinesOutput file(Path path, boolean append, Duration flushInterval) {
        return new JsonLinesOutput("file", first -> {
            Path dir = path.toAbsolutePath().getParent();
            if (dir != null) Files.createDirectories(dir);
            boolean truncate = first && !append;
            return Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    truncate ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND);
        }, flushInterval);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Flow<Telemetry, Delivery, NotUsed> deliveryFlow(ErrorReport errors) {
        return Flow.<Telemetry>create().map(List::of).via(batchDeliveryFlow(errors));
    }

    /** Its writes block: the sink runs on a thread of its own, so a stalled reader holds no shared thread. */
    @Override
    public boolean blocking() {
        return true;
    }

    @Override
    public Flow<List<Telemetry>, Delivery, NotUsed> batchDeliveryFlow(ErrorReport errors) {
        return Flow.lazyFlow(() -> {
            LineWriter writer = new LineWriter(errors);
            // An empty batch is the idle tick: lines left in the buffer are flushed once nothing came for a while.
            Flow<List<Telemetry>, List<Telemetry>, NotUsed> batches = flushInterval.isZero() ? Flow.create()
                    : Flow.<List<Telemetry>>create().keepAlive(flushInterval, () -> List.<Telemetry>of());
            return batches
                    .map(batch -> batch.isEmpty() ? writer.flushIdle() : writer.write(batch))
                    // On a normal end the stream is closed (and flushed) before the stage completes, so whoever
                    // waits for the sink to finish finds every line in the file.
                    .concatLazy(Source.lazySingle(() -> {
                        writer.close();
                        return Delivery.of(0, 0);
                    }))
                    .watchTermination((mat, done) -> {
                        done.whenComplete((ok, ex) -> writer.close());
                        return mat;
                    });
        }).mapMaterializedValue(f -> NotUsed.getInstance());
    }

    /**
     * The stream, opened when the first batch arrives. Only the sink's stage uses it; the stream's end may close it
     * from another thread, hence the synchronization (uncontended on the way of a write).
     */
    private final class LineWriter {
        private OutputStream out;
        private final TelemetryByteEncoder lines = new TelemetryByteEncoder(2 * STREAM_BUFFER);
        private long lastFlushNanos = System.nanoTime();
        private boolean dirty;
        private boolean closed;

        private final ErrorReport errors;

        LineWriter(ErrorReport errors) {
            this.errors = errors;
        }

        synchronized Delivery write(List<Telemetry> batch) {
            try {
                if (out == null) {
                    out = new BufferedOutputStream(opener.open(opened.compareAndSet(false, true)), STREAM_BUFFER);
                }
                int written = 0, failed = 0;
                for (Telemetry r : batch) {
                    int mark = lines.size();
                    try {
                        if (!lines.appendLine(r)) {
                            lines.appendRaw(JsonLineEncoder.encode(r));
                            lines.appendRaw(NEWLINE);
                        }
                        written++;
                    } catch (RuntimeException unencodable) {
                        // A string JSON cannot carry (a lone surrogate): this record only, the stream stays whole.
                        lines.truncate(mark);
                        failed++;
                        errors.error("a " + r.getClass().getSimpleName() + " could not be encoded", unencodable);
                    }
                    if (lines.size() >= STREAM_BUFFER) drain();
                }
                drain();
                dirty = true;
                if (flushInterval.isZero() || System.nanoTime() - lastFlushNanos >= flushInterval.toNanos()) flush();
                return Delivery.of(written, failed);
            } catch (IOException e) {
                lines.reset();
                errors.error("write failed", e);
                // Fail the stage: IsolatedSink counts the batch as aborted and reopens the stream after a backoff.
                throw new UncheckedIOException(name + " sink: write failed", e);
            }
        }

        private void drain() throws IOException {
            lines.writeTo(out);
            lines.reset();
        }

        private void flush() throws IOException {
            if (dirty && out != null) out.flush();
            dirty = false;
            lastFlushNanos = System.nanoTime();
        }

        synchronized Delivery flushIdle() {
            try {
                flush();
            } catch (IOException e) {
                errors.error("flush failed", e);
                throw new UncheckedIOException(name + " sink: flush failed", e);
            }
            return Delivery.of(0, 0);
        }

        synchronized void close() {
            if (closed) return;
            closed = true;
            try {
                if (out != null) out.close();
            } catch (IOException e) {
                errors.error("close failed", e);
            }
        }
    }
}
