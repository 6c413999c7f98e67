package dev.palisade.streams.pipeline;

import java.util.Map;

/** The strerror text of the errno values system calls commonly fail with, as KubeArmor's Result field shows them. */
final class ErrnoText {
    private static final Map<Integer, String> TEXT = Map.ofEntries(
            Map.entry(1, "Operation not permitted"), Map.entry(2, "No such file or directory"),
            Map.entry(3, "No such process"), Map.entry(4, "Interrupted system call"), Map.entry(5, "Input/output error"),
            Map.entry(9, "Bad file descriptor"), Map.entry(11, "Resource temporarily unavailable"),
            Map.entry(12, "Cannot allocate memory"), Map.entry(13, "Permission denied"), Map.entry(14, "Bad address"),
            Map.entry(16, "Device or resource busy"), Map.entry(17, "File exists"), Map.entry(20, "Not a directory"),
            Map.entry(21, "Is a directory"), Map.entry(22, "Invalid argument"), Map.entry(24, "Too many open files"),
            Map.entry(28, "No space left on device"), Map.entry(30, "Read-only file system"),
            Map.entry(36, "File name too long"), Map.entry(40, "Too many levels of symbolic links"),
            Map.entry(97, "Address family not supported by protocol"), Map.entry(98, "Address already in use"),
            Map.entry(99, "Cannot assign requested address"), Map.entry(101, "Network is unreachable"),
            Map.entry(110, "Connection timed out"), Map.entry(111, "Connection refused"),
            Map.entry(113, "No route to host"), Map.entry(115, "Operation now in progress"));

    private ErrnoText() {}

    /** "Passed" for a non-negative result, else the error's text. */
    static String result(int returnValue) {
        if (returnValue >= 0) return "Passed";
        return TEXT.getOrDefault(-returnValue, "errno " + (-returnValue));
    }
}
