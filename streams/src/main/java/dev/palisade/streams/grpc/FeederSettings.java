package dev.palisade.streams.grpc;

/**
 * The gRPC feeder's addresses.
 *
 * @param iface the address to listen on ({@code 0.0.0.0} for every interface)
 * @param port feeder.LogService (KubeArmor: 32767); 0 picks a free port
 * @param healthPort grpc.health.v1.Health (KubeArmor: 32766); 0 picks a free port, equal to {@code port} serves
 *     both on one port. The health service is also served on {@code port}.
 * @param clientBufferSize records queued per client before that client starts losing records (KubeArmor: 1000)
 */
public record FeederSettings(String iface, int port, int healthPort, int clientBufferSize) {
    public FeederSettings {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, was " + port);
        if (healthPort < 0 || healthPort > 65535) {
            throw new IllegalArgumentException("health-port must be 0..65535, was " + healthPort);
        }
        if (clientBufferSize < 1) throw new IllegalArgumentException("client-buffer-size must be at least 1");
    }
}
