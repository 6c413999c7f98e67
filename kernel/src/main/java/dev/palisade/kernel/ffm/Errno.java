package dev.palisade.kernel.ffm;

import java.util.Map;

/** Names and messages of Linux errno values, for error messages a person can act on. */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int E2BIG = 7;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EINVAL = 22;
    public static final int EMFILE = 24;
    public static final int ENOSPC = 28;
    public static final int ERANGE = 34;
    public static final int ENOSYS = 38;
    public static final int ENOTEMPTY = 39;
    public static final int ENODATA = 61;
    public static final int EPROTO = 71;
    public static final int EOPNOTSUPP = 95;
    public static final int ENOTSUPP = 524;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM"), Map.entry(ENOENT, "ENOENT"), Map.entry(ESRCH, "ESRCH"),
            Map.entry(EINTR, "EINTR"), Map.entry(EIO, "EIO"), Map.entry(E2BIG, "E2BIG"),
            Map.entry(EBADF, "EBADF"), Map.entry(EAGAIN, "EAGAIN"), Map.entry(ENOMEM, "ENOMEM"),
            Map.entry(EACCES, "EACCES"), Map.entry(EFAULT, "EFAULT"), Map.entry(EBUSY, "EBUSY"),
            Map.entry(EEXIST, "EEXIST"), Map.entry(ENODEV, "ENODEV"), Map.entry(ENOTDIR, "ENOTDIR"),
            Map.entry(EINVAL, "EINVAL"), Map.entry(EMFILE, "EMFILE"), Map.entry(ENOSPC, "ENOSPC"), Map.entry(ERANGE, "ERANGE"),
            Map.entry(ENOSYS, "ENOSYS"), Map.entry(ENOTEMPTY, "ENOTEMPTY"), Map.entry(ENODATA, "ENODATA"),
            Map.entry(EPROTO, "EPROTO"), Map.entry(EOPNOTSUPP, "EOPNOTSUPP"), Map.entry(ENOTSUPP, "ENOTSUPP"));

    private Errno() {}

    /** "EPERM", or "errno 1234" for values without a name here. */
    public static String name(int errno) {
        String n = NAMES.get(Math.abs(errno));
        return n != null ? n : "errno " + Math.abs(errno);
    }

    /** "Operation not permitted (EPERM)": the C library's text and the symbolic name. */
    public static String describe(int errno) {
        int e = Math.abs(errno);
        if (e == ENOTSUPP) return "Operation not supported by the kernel (ENOTSUPP)";
        return Libc.strerror(e) + " (" + name(e) + ")";
    }
}
