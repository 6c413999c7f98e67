package dev.palisade.policy.match;

/**
 * Names a socket for network rules, as KubeArmor does: by socket type ({@code stream}, {@code dgram}, {@code raw},
 * ...) and by protocol ({@code tcp}, {@code udp}, {@code icmp}, ...), where a stream socket with protocol 0 is tcp
 * and a datagram socket with protocol 0 is udp whatever the family. Returns constants only.
 */
public final class SocketNames {
    private SocketNames() {}

    public static final int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16, AF_PACKET = 17;
    public static final int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_RDM = 4, SOCK_SEQPACKET = 5,
            SOCK_DCCP = 6, SOCK_PACKET = 10;
    public static final int IPPROTO_ICMP = 1, IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_DCCP = 33,
            IPPROTO_ICMPV6 = 58, IPPROTO_SCTP = 132, IPPROTO_RAW = 255;

    /** The socket type's rule name, or null. Flags (SOCK_NONBLOCK, SOCK_CLOEXEC) are ignored. */
    public static String typeName(int type) {
        return switch (type & 0xf) {
            case SOCK_STREAM -> "stream";
            case SOCK_DGRAM -> "dgram";
            case SOCK_RAW -> "raw";
            case SOCK_RDM -> "rdm";
            case SOCK_SEQPACKET -> "seqpacket";
            case SOCK_DCCP -> "dccp";
            case SOCK_PACKET -> "packet";
            default -> null;
        };
    }

    /** The protocol's rule name, or null when it has none. */
    public static String protocolName(int family, int type, int protocol) {
        int t = type & 0xf;
        if (family == AF_PACKET) return "packet";
        if (t == SOCK_STREAM && (protocol == IPPROTO_TCP || protocol == 0)) return "tcp";
        if (t == SOCK_DGRAM && (protocol == IPPROTO_UDP || protocol == 0)) return "udp";
        if (protocol == IPPROTO_ICMP && (t == SOCK_DGRAM || t == SOCK_RAW)) return "icmp";
        if (protocol == IPPROTO_ICMPV6 && (t == SOCK_DGRAM || t == SOCK_RAW)) return "icmpv6";
        if ((t == SOCK_STREAM || t == SOCK_SEQPACKET) && (protocol == IPPROTO_SCTP || protocol == 0)) return "sctp";
        return switch (protocol) {
            case IPPROTO_TCP -> "tcp";
            case IPPROTO_UDP -> "udp";
            case IPPROTO_ICMP -> "icmp";
            case IPPROTO_ICMPV6 -> "icmpv6";
            case IPPROTO_SCTP -> "sctp";
            case IPPROTO_DCCP -> "dccp";
            case IPPROTO_RAW -> "raw";
            default -> null;
        };
    }

    public static String familyName(int family) {
        return switch (family) {
            case AF_UNIX -> "AF_UNIX";
            case AF_INET -> "AF_INET";
            case AF_INET6 -> "AF_INET6";
            case AF_NETLINK -> "AF_NETLINK";
            case AF_PACKET -> "AF_PACKET";
            default -> "AF_" + family;
        };
    }
}
