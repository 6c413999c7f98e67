package dev.palisade.streams.pipeline;

/** open(2) flags as KubeArmor's Data field spells them ({@code O_WRONLY|O_CREAT|O_CLOEXEC}). */
final class OpenFlags {
    private static final int[] BITS = {00000100, 00000200, 00001000, 00002000, 00004000, 00010000, 00040000,
            00100000, 00200000, 00400000, 01000000, 02000000, 010000000, 020000000};
    private static final String[] NAMES = {"O_CREAT", "O_EXCL", "O_TRUNC", "O_APPEND", "O_NONBLOCK", "O_DSYNC",
            "O_DIRECT", "O_LARGEFILE", "O_DIRECTORY", "O_NOFOLLOW", "O_NOATIME", "O_CLOEXEC", "O_PATH", "O_TMPFILE"};

    private OpenFlags() {}

    static String text(int flags) {
        StringBuilder b = new StringBuilder(switch (flags & 3) {
            case 0 -> "O_RDONLY";
            case 1 -> "O_WRONLY";
            default -> "O_RDWR";
        });
        for (int i = 0; i < BITS.length; i++) if ((flags & BITS[i]) != 0) b.append('|').append(NAMES[i]);
        return b.toString();
    }

    /** Opened for writing, appending, truncating or creating. */
    static boolean writes(int flags) {
        return (flags & 3) != 0 || (flags & (00000100 | 00001000 | 00002000)) != 0;
    }
}
