package dev.palisade.policy.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.palisade.policy.Fixtures;
import dev.palisade.policy.match.MatcherContractTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootfsAliasesTest {
    /** A merged-/usr layout like Debian's: /bin -> usr/bin, /sbin -> usr/sbin, /lib -> usr/lib. */
    static Path mergedUsr(Path root) throws IOException {
        Files.createDirectories(root.resolve("usr/bin"));
        Files.createDirectories(root.resolve("usr/sbin"));
        Files.createDirectories(root.resolve("usr/lib/x86_64-linux-gnu"));
        Files.createDirectories(root.resolve("etc/alternatives"));
        Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
        Files.createSymbolicLink(root.resolve("sbin"), Path.of("usr/sbin"));
        Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
        Files.writeString(root.resolve("usr/bin/bash"), "");
        Files.writeString(root.resolve("usr/bin/dash"), "");
        Files.createSymbolicLink(root.resolve("usr/bin/sh"), Path.of("dash"));
        Files.createSymbolicLink(root.resolve("etc/alternatives/awk"), Path.of("/usr/bin/mawk"));
        Files.writeString(root.resolve("usr/bin/mawk"), "");
        Files.createSymbolicLink(root.resolve("usr/bin/awk"), Path.of("/etc/alternatives/awk"));
        Files.createSymbolicLink(root.resolve("usr/bin/escape"), Path.of("../../../../../etc/shadow"));
        return root;
    }

    @Test
    void policyPathsAreResolvedInsideTheRootBothWays(@TempDir Path tmp) throws IOException {
        RootfsAliases a = new RootfsAliases(mergedUsr(tmp));
        assertEquals(List.of("/bin/bash", "/usr/bin/bash"), a.aliases("/bin/bash"));
        assertEquals(List.of("/usr/bin/bash", "/bin/bash"), a.aliases("/usr/bin/bash"));
        assertEquals(List.of("/bin/sh", "/usr/bin/dash", "/bin/dash"), a.aliases("/bin/sh"));
        assertEquals(List.of("/usr/bin/awk", "/usr/bin/mawk", "/bin/awk", "/bin/mawk"), a.aliases("/usr/bin/awk"));
        assertEquals(List.of("/bin/", "/usr/bin/"), a.aliases("/bin/"));
        assertEquals(List.of("/usr/lib/x86_64-linux-gnu/", "/lib/x86_64-linux-gnu/"), a.aliases("/usr/lib/x86_64-linux-gnu/"));
        assertEquals(List.of("/opt/not/there", "/opt/not/there"), List.of(a.aliases("/opt/not/there").getFirst(), a.resolve("/opt/not/there")));
        assertEquals("/etc/shadow", a.resolve("/usr/bin/escape"), "'..' stops at the container's root");
        assertEquals(List.of("/"), a.aliases("/"));
    }

    @Test
    void theSeedPolicyMatchesBashOnAMergedUsrImage(@TempDir Path tmp) throws IOException {
        RuleSet rs = Fixtures.compile(Fixtures.NGINX, Posture.BLOCK, new RootfsAliases(mergedUsr(tmp)),
                MatcherContractTest.seedPolicy());
        assertEquals(false, rs.matcher().process("/usr/bin/bash", "/usr/bin/runc", false, 0, 0, null).alert());
        assertEquals(true, rs.matcher().process("/usr/sbin/chroot", "/usr/bin/bash", false, 0, 0, null).denied());
    }
}
