package dev.palisade.streams.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import dev.palisade.streams.TelemetryKind;
import dev.palisade.streams.elasticsearch.ElasticsearchSinkSettings;
import dev.palisade.streams.elasticsearch.IndexNamePattern;
import dev.palisade.streams.grpc.FeederSettings;
import dev.palisade.streams.kafka.KafkaSinkSettings;
import dev.palisade.streams.sink.SinkSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code palisade.sinks} block, read and checked. Each sink's block falls back to {@code defaults} for
 * buffer-size, kinds and restart. A bad value fails with the key's full path and the reason.
 */
public record SinksConfig(Optional<Stdout> stdout,
                          Optional<File> file,
                          Optional<Kafka> kafka,
                          Optional<Elasticsearch> elasticsearch,
                          Optional<Grpc> grpc) {

    public record Stdout(SinkSettings sink, Duration flushInterval) {}

    public record File(SinkSettings sink, Path path, boolean append, Duration flushInterval) {}

    public record Kafka(SinkSettings sink, KafkaSinkSettings kafka) {}

    public record Elasticsearch(SinkSettings sink, ElasticsearchSinkSettings elasticsearch) {}

    public record Grpc(SinkSettings sink, FeederSettings feeder) {}

    private static final String ROOT = "palisade.sinks";

    /** Reads {@code palisade.sinks} from a full configuration (reference.conf supplies every default). */
    public static SinksConfig from(Config root) {
        Config c = root.getConfig(ROOT);
        Config defaults = c.getConfig("defaults");
        if (c.hasPath("hub-buffer-size")) {
            throw new IllegalArgumentException(path("hub-buffer-size") + ": no longer exists; the hub holds nothing, "
                    + "each sink's buffer-size bounds its own backlog");
        }
        return new SinksConfig(
                section(c, "stdout", defaults, (s, common) -> new Stdout(common, duration(s, "flush-interval", path("stdout")))),
                section(c, "file", defaults, (s, common) -> new File(common,
                        parse(path("file.path"), () -> Path.of(s.getString("path"))), s.getBoolean("append"),
                        duration(s, "flush-interval", path("file")))),
                section(c, "kafka", defaults, (s, common) -> new Kafka(common, kafka(s))),
                section(c, "elasticsearch", defaults, (s, common) -> new Elasticsearch(common, elasticsearch(s))),
                section(c, "grpc", defaults, (s, common) -> new Grpc(common, parse(path("grpc"), () -> new FeederSettings(
                        s.getString("interface"), s.getInt("port"), s.getInt("health-port"),
                        s.getInt("client-buffer-size"))))));
    }

    @FunctionalInterface
    private interface SectionReader<T> {
        T read(Config section, SinkSettings common);
    }

    private static <T> Optional<T> section(Config c, String name, Config defaults, SectionReader<T> reader) {
        Config s = c.getConfig(name).withFallback(defaults);
        if (!s.getBoolean("enabled")) return Optional.empty();
        String where = path(name);
        SinkSettings common = parse(where, () -> new SinkSettings(
                s.getInt("buffer-size"),
                TelemetryKind.parseAll(s.getStringList("kinds"), where + ".kinds"),
                s.getDuration("restart.min-backoff"),
                s.getDuration("restart.max-backoff"),
                s.getDouble("restart.random-factor")));
        return Optional.of(parse(where, () -> reader.read(s, common)));
    }

    private static KafkaSinkSettings kafka(Config s) {
        Map<TelemetryKind, String> topics = new EnumMap<>(TelemetryKind.class);
        for (TelemetryKind k : TelemetryKind.values()) topics.put(k, s.getString("topics." + k.configName()));
        Map<String, String> props = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : s.getConfig("producer").entrySet()) {
            // Keys such as "linger.ms" are quoted in HOCON; entrySet gives them back quoted.
            props.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
        }
        return new KafkaSinkSettings(s.getString("bootstrap-servers"), topics, s.getInt("max-in-flight"), props);
    }

    private static ElasticsearchSinkSettings elasticsearch(Config s) {
        Map<TelemetryKind, IndexNamePattern> indices = new EnumMap<>(TelemetryKind.class);
        for (TelemetryKind k : TelemetryKind.values()) {
            String key = "indices." + k.configName();
            indices.put(k, parse(path("elasticsearch." + key), () -> IndexNamePattern.parse(s.getString(key))));
        }
        String user = s.getString("username");
        Optional<String> auth = user.isEmpty() ? Optional.empty() : Optional.of(user + ":" + s.getString("password"));
        URI url = parse(path("elasticsearch.url"), () -> URI.create(s.getString("url")));
        return new ElasticsearchSinkSettings(url, indices, s.getInt("bulk.max-actions"),
                s.getDuration("bulk.max-interval"), s.getInt("bulk.max-concurrent-requests"),
                s.getInt("retry.max-retries"), s.getDuration("retry.min-backoff"), s.getDuration("retry.max-backoff"),
                s.getDuration("request-timeout"), auth);
    }

    private static Duration duration(Config c, String key, String where) {
        Duration d = c.getDuration(key);
        if (d.isNegative()) throw new IllegalArgumentException(where + "." + key + ": must not be negative, was " + d);
        return d;
    }

    private static String path(String key) {
        return ROOT + "." + key;
    }

    /** Runs a read, prefixing what goes wrong with the configuration path it concerns. */
    private static <T> T parse(String where, java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (ConfigException e) {
            // Typesafe names the origin (file and line) but, inside a sub-block, only the key relative to it.
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            if (msg.startsWith(ROOT)) throw e;
            throw new IllegalArgumentException(where + ": " + msg, e);
        }
    }
}
