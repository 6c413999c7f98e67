package dev.palisade.actors.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.actors.Await;
import dev.palisade.actors.TestPolicies;
import dev.palisade.policy.Policy;
import dev.palisade.policy.load.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real directory watched with inotify; the periodic recheck is set long so inotify alone must do. */
class PolicyDirectoryTest {
    static final Duration SOON = Duration.ofSeconds(2);
    final AtomicReference<List<Policy>> current = new AtomicReference<>(List.of());
    final List<Problem> reported = new CopyOnWriteArrayList<>();
    final List<Integer> calls = new CopyOnWriteArrayList<>();

    PolicyDirectory watch(Path dir) throws Exception {
        return new PolicyDirectory(dir, Duration.ofMinutes(10), (policies, problems) -> {
            current.set(policies);
            reported.addAll(problems);
            calls.add(policies.size());
        }).start();
    }

    List<String> keys() {
        return TestPolicies.keys(current.get());
    }

    @Test
    void anInvalidFileIsReportedAndSkippedAndTheOthersApply(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.yaml"), TestPolicies.allowExecYaml("default", "a", "web", "/bin/a"));
        Files.createDirectories(dir.resolve("team"));
        Files.writeString(dir.resolve("team/b.yml"), TestPolicies.allowExecYaml("shop", "b", "api", "/bin/b"));
        Files.writeString(dir.resolve("bad.yaml"), TestPolicies.allowExecYaml("default", "bad", "web", "bin/bad"));
        Files.writeString(dir.resolve("notes.txt"), "not a policy file");
        try (PolicyDirectory d = watch(dir)) {
            assertEquals(List.of("ksp/default/a", "ksp/shop/b"), keys().stream().sorted().toList(), "loaded before start returns");
            assertEquals(1, reported.size(), reported.toString());
            assertTrue(reported.getFirst().toString().startsWith(dir.resolve("bad.yaml") + ":"), reported.toString());
            assertEquals("spec.process.matchPaths[0].path", reported.getFirst().field());

            Files.writeString(dir.resolve("c.json"), """
                    {"apiVersion": "security.kubearmor.com/v1", "kind": "KubeArmorClusterPolicy",
                     "metadata": {"name": "c"}, "spec": {"selector": {"matchExpressions": [{"key": "namespace",
                     "operator": "In", "values": ["shop"]}]}, "capabilities": {"matchCapabilities": [{"capability": "net_raw"}]},
                     "action": "Block"}}
                    """);
            Await.until("a new file applies", SOON, () -> keys().contains("csp/c"));
            assertEquals(1, reported.size(), "the unchanged bad file is not reported again");
        }
    }

    @Test
    void aFileThatBecomesInvalidKeepsItsLastGoodVersionUntilFixedOrDeleted(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.yaml");
        Files.writeString(a, TestPolicies.allowExecYaml("default", "a", "web", "/bin/a"));
        try (PolicyDirectory d = watch(dir)) {
            Policy good = current.get().getFirst();
            Files.writeString(a, TestPolicies.allowExecYaml("default", "a", "web", "relative"));
            Await.until("the invalid version reported", SOON, () -> !reported.isEmpty());
            assertEquals(List.of(good), current.get(), "the last good version stays in force");

            Files.writeString(a, TestPolicies.allowExecYaml("default", "a", "web", "/bin/a2"));
            Await.until("the fixed version applies", SOON, () -> current.get().getFirst().spec().process().matchPaths()
                    .getFirst().path().equals("/bin/a2"));
            Files.delete(a);
            Await.until("deleting removes it", SOON, () -> current.get().isEmpty());
        }
    }

    @Test
    void theSamePolicyInTwoFilesIsAppliedOnceAndTheCopyReported(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("1.yaml"), TestPolicies.allowExecYaml("default", "a", "web", "/bin/one"));
        Files.writeString(dir.resolve("2.yaml"), TestPolicies.allowExecYaml("default", "a", "web", "/bin/two"));
        try (PolicyDirectory d = watch(dir)) {
            assertEquals(1, current.get().size());
            assertEquals("/bin/one", current.get().getFirst().spec().process().matchPaths().getFirst().path(), "file name order");
            assertTrue(reported.getFirst().reason().contains("already defined in " + dir.resolve("1.yaml")), reported.toString());
        }
    }

    @Test
    void aDirectoryCreatedLaterIsPickedUp(@TempDir Path parent) throws Exception {
        Path dir = parent.resolve("policies");
        try (PolicyDirectory d = new PolicyDirectory(dir, Duration.ofMillis(200), (policies, problems) -> current.set(policies)).start()) {
            assertTrue(current.get().isEmpty());
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("a.yaml"), TestPolicies.allowExecYaml("default", "a", "web", "/bin/a"));
            Await.until("found at the periodic check", SOON, () -> keys().equals(List.of("ksp/default/a")));
        }
    }
}
