package dev.palisade.kernel.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountTableTest {

    @Test
    void parsesOptionalFieldsAndEscapes() {
        MountTable t = MountTable.parse(List.of(
                "36 35 98:0 /mnt1 /mnt\\040two rw,noatime master:1 shared:7 - ext3 /dev/root rw,errors=continue",
                "40 22 0:34 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw"));
        MountEntry first = t.entries().get(0);
        assertEquals("/mnt two", first.mountPoint());
        assertEquals("ext3", first.fsType());
        assertEquals("/dev/root", first.source());
        assertEquals("/sys/fs/cgroup/unified", t.lastOfType("cgroup2").orElseThrow().mountPoint());
        assertTrue(t.isMounted("cgroup2", Path.of("/sys/fs/cgroup/unified")));
    }

    @Test
    void malformedLineNamesItsNumber() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MountTable.parse(List.of("40 22 0:34 / /x rw - cgroup2 cgroup2 rw", "garbage line")));
        assertTrue(e.getMessage().startsWith("mountinfo line 2:"), e.getMessage());
    }

    @Test
    void findsThisHostsCgroup2() {
        assertTrue(Cgroups.cgroup2MountPoint().isPresent(), "this machine mounts cgroup2");
    }
}
