package dev.palisade.actors.kubernetes;

import dev.palisade.actors.NodeSettings;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** A client for {@code palisade.kubernetes}: found as kubectl would unless a master URL is configured. */
public final class KubernetesClients {
    private KubernetesClients() {}

    public static KubernetesClient create(NodeSettings.KubernetesSettings s) {
        ConfigBuilder b = new ConfigBuilder(Config.autoConfigure(null));
        if (!s.masterUrl().isEmpty()) b.withMasterUrl(s.masterUrl());
        Config c = b.withConnectionTimeout((int) s.connectTimeout().toMillis())
                .withRequestTimeout((int) s.requestTimeout().toMillis())
                .withWatchReconnectInterval((int) s.reconnectInterval().toMillis())
                .withWatchReconnectLimit(-1)
                .build();
        return new KubernetesClientBuilder().withConfig(c).build();
    }
}
