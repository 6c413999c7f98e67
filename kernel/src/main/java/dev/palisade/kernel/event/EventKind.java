package dev.palisade.kernel.event;

/** enum palisade_event_kind of palisade_event.h: what a record is. */
public enum EventKind {
    PROCESS_EXEC(1, "PALISADE_EV_PROCESS_EXEC"),
    PROCESS_EXIT(2, "PALISADE_EV_PROCESS_EXIT"),
    FILE_OPEN(3, "PALISADE_EV_FILE_OPEN"),
    SOCKET_CREATE(4, "PALISADE_EV_SOCKET_CREATE"),
    SOCKET_CONNECT(5, "PALISADE_EV_SOCKET_CONNECT"),
    SOCKET_ACCEPT(6, "PALISADE_EV_SOCKET_ACCEPT"),
    SOCKET_BIND(7, "PALISADE_EV_SOCKET_BIND"),
    CAPABILITY(8, "PALISADE_EV_CAPABILITY"),
    /** A BPF-LSM enforcer decision (its own ring, not the monitor's). */
    ENFORCEMENT(9, "PALISADE_EV_ENFORCEMENT");

    private static final EventKind[] BY_CODE = new EventKind[16];

    static {
        for (EventKind k : values()) BY_CODE[k.code] = k;
    }

    private final int code;
    private final String cName;

    EventKind(int code, String cName) {
        this.code = code;
        this.cName = cName;
    }

    public int code() {
        return code;
    }

    /** The enumerator's name in palisade_event.h. */
    public String cName() {
        return cName;
    }

    /** The kind of a code, or null for a code this decoder does not know. */
    public static EventKind ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
