package dev.palisade.kernel.event;

/** enum palisade_file_syscall of palisade_event.h: the system call behind a file open record. */
public enum FileSyscall {
    OPEN(1, "PALISADE_SYS_OPEN"),
    OPENAT(2, "PALISADE_SYS_OPENAT"),
    OPENAT2(3, "PALISADE_SYS_OPENAT2"),
    CREAT(4, "PALISADE_SYS_CREAT");

    private final int code;
    private final String cName;

    FileSyscall(int code, String cName) {
        this.code = code;
        this.cName = cName;
    }

    public int code() {
        return code;
    }

    public String cName() {
        return cName;
    }

    public static FileSyscall ofCode(int code) {
        for (FileSyscall s : values()) if (s.code == code) return s;
        throw new IllegalArgumentException("unknown file syscall code " + code);
    }
}
