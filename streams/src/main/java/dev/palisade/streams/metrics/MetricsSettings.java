package dev.palisade.streams.metrics;

import com.typesafe.config.Config;

/** The {@code palisade.metrics} block: whether and where to serve /metrics, /readyz and /healthz. */
public record MetricsSettings(boolean enabled, String iface, int port) {
    public MetricsSettings {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("palisade.metrics.port: must be 0..65535, was " + port);
    }

    public static MetricsSettings from(Config root) {
        Config c = root.getConfig("palisade.metrics");
        return new MetricsSettings(c.getBoolean("enabled"), c.getString("interface"), c.getInt("port"));
    }
}
