package dev.palisade.policy.glob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class GlobSetTest {
    private static GlobSet<int[]> set(String... globs) {
        return new GlobSet<>(List.of(globs), m -> m);
    }

    @Test
    void globSyntax() {
        GlobSet<int[]> g = set("/etc/*", "/**/shadow", "/home/?/x", "/var/[a-c]og/[!x]", "/usr/{bin,sbin}/{a,b{c,d}}", "/lit\\*eral");
        assertArrayEquals(new int[] {0}, g.match("/etc/passwd"));
        assertNull(g.match("/etc/ssl/cert"), "* does not cross '/'");
        assertArrayEquals(new int[] {0, 1}, g.match("/etc/shadow"));
        assertArrayEquals(new int[] {1}, g.match("/a/b/c/shadow"));
        assertNull(g.match("/shadow"), "/**/ needs a directory between");
        assertArrayEquals(new int[] {2}, g.match("/home/a/x"));
        assertNull(g.match("/home/ab/x"));
        assertArrayEquals(new int[] {3}, g.match("/var/bog/y"));
        assertNull(g.match("/var/dog/y"));
        assertNull(g.match("/var/bog/x"));
        assertArrayEquals(new int[] {4}, g.match("/usr/sbin/bd"));
        assertNull(g.match("/usr/lib/a"));
        assertArrayEquals(new int[] {5}, g.match("/lit*eral"));
        assertNull(g.match("/litXeral"));
        assertTrue(g.states() > 0);
    }

    @Test
    void nonAsciiPathsMatch() {
        GlobSet<int[]> g = set("/données/*", "/tmp/**");
        assertArrayEquals(new int[] {0}, g.match("/données/été"));
        assertArrayEquals(new int[] {1}, g.match("/tmp/日本/語"));
    }

    @Test
    void payloadsAreComputedOncePerMatchSet() {
        List<String> calls = new ArrayList<>();
        GlobSet<String> g = new GlobSet<>(List.of("/a/*", "/a/b"), m -> {
            calls.add(Arrays.toString(m));
            return Arrays.toString(m);
        });
        for (int i = 0; i < 3; i++) {
            assertEquals("[0, 1]", g.match("/a/b"));
            assertEquals("[0]", g.match("/a/c"));
        }
        assertEquals(2, calls.size());
    }

    private static final String GLOB_CHARS = "ab/*?{,}[]!.";

    @Property(tries = 3000)
    void automatonAgreesWithTheRegularExpression(@ForAll long seed) {
        Random rnd = new Random(seed);
        List<String> globs = new ArrayList<>();
        while (globs.size() < 1 + rnd.nextInt(4)) {
            StringBuilder b = new StringBuilder("/");
            int n = rnd.nextInt(8);
            for (int i = 0; i < n; i++) b.append(GLOB_CHARS.charAt(rnd.nextInt(GLOB_CHARS.length())));
            if (GlobSyntax.check(b.toString()).isEmpty()) globs.add(b.toString());
        }
        GlobSet<int[]> set = new GlobSet<>(globs, m -> m);
        List<Pattern> regexes = globs.stream().map(g -> Pattern.compile(GlobSet.toRegex(g))).toList();
        for (int q = 0; q < 40; q++) {
            StringBuilder s = new StringBuilder("/");
            int n = rnd.nextInt(7);
            for (int i = 0; i < n; i++) s.append("ab/.!{".charAt(rnd.nextInt(6)));
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < regexes.size(); i++) if (regexes.get(i).matcher(s).matches()) expected.add(i);
            int[] got = set.match(s.toString());
            assertEquals(expected, got == null ? List.of() : Arrays.stream(got).boxed().toList(), () -> globs + " on " + s);
        }
    }
}
