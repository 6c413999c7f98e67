package dev.palisade.policy.match;

import java.util.Locale;

/** Linux capability numbers and names ({@code include/uapi/linux/capability.h}). */
public final class Capabilities {
    private Capabilities() {}

    private static final String[] NAMES = {"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill",
            "setgid", "setuid", "setpcap", "linux_immutable", "net_bind_service", "net_broadcast", "net_admin",
            "net_raw", "ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct",
            "sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease",
            "audit_write", "audit_control", "setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm",
            "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore"};

    public static final int COUNT = NAMES.length;

    /** The number of {@code net_raw}, {@code CAP_NET_RAW} or {@code cap_net_raw}; -1 when unknown. */
    public static int number(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith("cap_")) n = n.substring(4);
        for (int i = 0; i < NAMES.length; i++) if (NAMES[i].equals(n)) return i;
        return -1;
    }

    /** {@code net_raw} for 13; null when out of range. */
    public static String name(int number) {
        return number >= 0 && number < NAMES.length ? NAMES[number] : null;
    }

    /** {@code CAP_NET_RAW}, the form KubeArmor's alerts carry. */
    public static String alertName(int number) {
        String n = name(number);
        return n == null ? "CAP_" + number : "CAP_" + n.toUpperCase(Locale.ROOT);
    }
}
