package dev.palisade.policy.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.policy.Fixtures;
import dev.palisade.policy.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleSetCacheTest {
    private static final String SPEC = """
            process:
              matchPaths:
              - path: /bin/bash
            file:
              matchDirectories:
              - dir: /etc/nginx/
                recursive: true
            action: Allow
            """;

    private final List<Policy> policies = Fixtures.policies(Fixtures.ksp("allow-bash", SPEC));
    private final RuleSetCache cache = new RuleSetCache();

    /** A merged-/usr image: /bin is a link to /usr/bin. */
    private static final PathAliases MERGED_USR = p -> p.startsWith("/bin/") ? List.of(p, "/usr" + p) : List.of(p);

    @Test
    void workloadsWithTheSameSelectionShareOneCompiledRuleSet() {
        RuleSet first = cache.compile(Scope.CONTAINER, policies, Posture.BLOCK, false, PathAliases.NONE);
        RuleSet second = cache.compile(Scope.CONTAINER, List.copyOf(policies), Posture.BLOCK, false, p -> List.of(p));
        assertSame(first, second);
        assertEquals(RuleSetCompiler.compile(Scope.CONTAINER, policies, Posture.BLOCK, PathAliases.NONE).rules(), first.rules());
        assertEquals(1, cache.size());
    }

    @Test
    void aFilesystemThatResolvesAPolicyPathDifferentlyGetsItsOwnRules() {
        RuleSet plain = cache.compile(Scope.CONTAINER, policies, Posture.BLOCK, false, PathAliases.NONE);
        RuleSet merged = cache.compile(Scope.CONTAINER, policies, Posture.BLOCK, false, MERGED_USR);
        assertNotSame(plain, merged);
        assertEquals(RuleSetCompiler.compile(Scope.CONTAINER, policies, Posture.BLOCK, MERGED_USR).rules(), merged.rules());
        assertTrue(merged.rules().stream().anyMatch(r -> r.resource().equals("/usr/bin/bash")), merged.rules()::toString);
        assertTrue(plain.rules().stream().noneMatch(r -> r.resource().equals("/usr/bin/bash")), plain.rules()::toString);
        // Both variants stay: each kind of filesystem gets its own back.
        assertSame(plain, cache.compile(Scope.CONTAINER, policies, Posture.BLOCK, false, PathAliases.NONE));
        assertSame(merged, cache.compile(Scope.CONTAINER, policies, Posture.BLOCK, false, MERGED_USR));
    }

    @Test
    void aChangedPolicyPostureOrDryRunCompilesAnew() {
        RuleSet base = cache.compile(Scope.CONTAINER, policies, Posture.BLOCK, false, PathAliases.NONE);
        List<Policy> changed = Fixtures.policies(Fixtures.ksp("allow-bash", SPEC.replace("/bin/bash", "/bin/sh")));
        RuleSet other = cache.compile(Scope.CONTAINER, changed, Posture.BLOCK, false, PathAliases.NONE);
        assertTrue(other.rules().stream().anyMatch(r -> r.resource().equals("/bin/sh")), other.rules()::toString);
        RuleSet audit = cache.compile(Scope.CONTAINER, policies, Posture.AUDIT, false, PathAliases.NONE);
        assertEquals(Posture.AUDIT, audit.posture());
        RuleSet dryRun = cache.compile(Scope.CONTAINER, policies, Posture.BLOCK, true, PathAliases.NONE);
        assertTrue(dryRun.rules().stream().allMatch(r -> r.origin().dryRun()), dryRun.rules()::toString);
        assertTrue(base.rules().stream().noneMatch(r -> r.origin().dryRun()), base.rules()::toString);
        assertEquals(4, cache.size());
    }

    @Test
    void aRuleSetNoWorkloadHoldsIsNotKeptAliveAndItsEntryIsPurged() throws Exception {
        java.lang.ref.WeakReference<RuleSet> first =
                new java.lang.ref.WeakReference<>(cache.compile(Scope.CONTAINER, policies, Posture.BLOCK, false, PathAliases.NONE));
        for (int i = 0; i < 200; i++) {
            // a policy changed 200 times: each version is a new selection, none in force afterwards
            cache.compile(Scope.CONTAINER, Fixtures.policies(Fixtures.ksp("v" + i, SPEC)), Posture.BLOCK, false, PathAliases.NONE);
        }
        for (int i = 0; i < 50 && first.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(first.get() == null, "the cache kept a rule set no workload holds");
        List<Policy> held = Fixtures.policies(Fixtures.ksp("held", SPEC));
        RuleSet inForce = cache.compile(Scope.CONTAINER, held, Posture.BLOCK, false, PathAliases.NONE);
        for (int i = 0; i < 200; i++) {
            cache.compile(Scope.CONTAINER, Fixtures.policies(Fixtures.ksp("w" + i, SPEC)), Posture.BLOCK, false, PathAliases.NONE);
            if (i % 50 == 0) System.gc();
        }
        assertTrue(cache.size() < 300, () -> "stale selections were not purged: " + cache.size());
        assertSame(inForce, cache.compile(Scope.CONTAINER, held, Posture.BLOCK, false, PathAliases.NONE));
    }
}
