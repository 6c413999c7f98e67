package dev.palisade.kernel.event;

import java.net.InetAddress;

/**
 * socket, connect, accept/accept4 or bind ({@link EventHeader#kind()} says which).
 *
 * @param fd the socket (-1 for socket creation)
 * @param result the system call's return value: fd or 0, or -errno
 * @param type SOCK_STREAM, SOCK_DGRAM, ... without SOCK_NONBLOCK/SOCK_CLOEXEC
 * @param port remote port for connect/accept, local port for bind, 0 otherwise
 * @param address the IPv4/IPv6 address (remote for connect/accept, local for bind), or null
 * @param unixPath AF_UNIX path ('@' first for abstract names), or null
 */
public record SocketEvent(EventHeader header, int fd, int result, int family, int type, int protocol, int port,
                          InetAddress address, String unixPath) implements MonitorEvent {
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
}
