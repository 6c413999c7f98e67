package dev.palisade.kernel.fanotify;

import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.RuleSet;
import dev.palisade.policy.compile.RuleSetCompiler;
import dev.palisade.policy.compile.Scope;
import dev.palisade.policy.load.PolicyLoader;
import dev.palisade.workload.ContainerInfo;
import dev.palisade.workload.ProtectedWorkload;
import java.util.Map;

/**
 * A stand-in agent process for the kill test: marks one container with a rule set that makes every open a
 * decision, then stops answering (its reader is parked) so a test can kill it with events pending.
 */
public final class HoldingAgent {
    public static void main(String[] args) throws Exception {
        int pid = Integer.parseInt(args[0]);
        ContainerInfo c = new ContainerInfo(args[3], "c", "", "default", "", "", Map.of("app", "x"), null,
                Long.parseLong(args[1]), args[2], pid, "/proc/" + pid + "/root");
        RuleSet rules = RuleSetCompiler.compile(Scope.CONTAINER, PolicyLoader.loadText("p.yaml", """
                apiVersion: security.kubearmor.com/v1
                kind: KubeArmorPolicy
                metadata: {name: audit-all, namespace: default}
                spec:
                  selector: {matchLabels: {app: x}}
                  file: {matchDirectories: [{dir: /, recursive: true}]}
                  action: Audit
                """).policies(), Posture.AUDIT, dev.palisade.policy.compile.PathAliases.NONE);
        Object gate = new Object();
        FanotifyEnforcer e = new FanotifyEnforcer(event -> {
            synchronized (gate) {
                try {
                    gate.wait(); // never answer: the test kills us with the event pending
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }
        }, false);
        e.apply(new ProtectedWorkload(c, rules));
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
