package dev.palisade.kernel.sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The mounts this process sees, from /proc/self/mountinfo (proc(5) format). */
public final class MountTable {
    private static final Path SELF = Path.of("/proc/self/mountinfo");

    private final List<MountEntry> entries;

    private MountTable(List<MountEntry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static MountTable current() {
        try {
            return parse(Files.readAllLines(SELF));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SELF, e);
        }
    }

    /** Parses mountinfo lines; a malformed line fails with its number and the reason. */
    public static MountTable parse(List<String> lines) {
        List<MountEntry> result = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) continue;
            String[] f = line.split(" ");
            int dash = -1;
            for (int k = 6; k < f.length; k++) {
                if (f[k].equals("-")) {
                    dash = k;
                    break;
                }
            }
            if (f.length < 10 || dash < 0 || dash + 2 >= f.length) {
                throw new IllegalArgumentException("mountinfo line " + (i + 1) + ": expected 'id parent maj:min root mountpoint options ... - fstype source superoptions', got: " + line);
            }
            try {
                result.add(new MountEntry(Integer.parseInt(f[0]), Integer.parseInt(f[1]), unescape(f[3]),
                        unescape(f[4]), f[dash + 1], unescape(f[dash + 2]), f[5]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("mountinfo line " + (i + 1) + ": mount id is not a number: " + line, e);
            }
        }
        return new MountTable(result);
    }

    public List<MountEntry> entries() {
        return entries;
    }

    /** The last (top-most) mount of a type, e.g. "cgroup2". */
    public Optional<MountEntry> lastOfType(String fsType) {
        MountEntry found = null;
        for (MountEntry e : entries) if (e.fsType().equals(fsType)) found = e;
        return Optional.ofNullable(found);
    }

    /** Whether a filesystem of that type is mounted exactly at mountPoint. */
    public boolean isMounted(String fsType, Path mountPoint) {
        String p = mountPoint.toString();
        for (MountEntry e : entries) if (e.fsType().equals(fsType) && e.mountPoint().equals(p)) return true;
        return false;
    }

    /** mountinfo escapes space, tab, newline and backslash as octal (\040 ...). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) return false;
        for (int i = from; i < from + 3; i++) if (s.charAt(i) < '0' || s.charAt(i) > '7') return false;
        return true;
    }
}
