package dev.palisade.policy.discover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.load.PolicyLoader;
import dev.palisade.policy.select.HostIdentity;
import dev.palisade.policy.simulate.LogLines;
import dev.palisade.policy.simulate.PostureSettings;
import dev.palisade.policy.simulate.Simulator;
import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.TelemetryTypes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiscovererTest {
    static final String POD = "\"NamespaceName\":\"web\",\"PodName\":\"nginx-7c5b8d65b8-x2x9z\",\"ContainerName\":\"nginx\","
            + "\"Labels\":\"app=nginx,pod-template-hash=7c5b8d65b8\",\"Owner\":{\"Ref\":\"Deployment\",\"Name\":\"nginx\",\"Namespace\":\"web\"}";

    static String exec(String program, String source) {
        return "{" + POD + ",\"Operation\":\"Process\",\"ProcessName\":\"" + program + "\",\"Resource\":\"" + program
                + "\",\"Source\":\"" + source + "\",\"Type\":\"ContainerLog\"}";
    }

    static String open(String path, String by, String flags) {
        return "{" + POD + ",\"Operation\":\"File\",\"ProcessName\":\"" + by + "\",\"Resource\":\"" + path
                + "\",\"Data\":\"syscall=SYS_OPENAT fd=-100 flags=" + flags + "\",\"Type\":\"ContainerLog\"}";
    }

    static String socket(String by, String type) {
        return "{" + POD + ",\"Operation\":\"Network\",\"ProcessName\":\"" + by + "\",\"Resource\":\"domain=AF_INET type="
                + type + " protocol=0\",\"Data\":\"syscall=SYS_SOCKET\",\"Type\":\"ContainerLog\"}";
    }

    /** What an nginx pod does in a few minutes of serving. */
    static List<String> nginxDay() {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < 3; i++) l.add(exec("/usr/sbin/nginx", "/usr/bin/runc"));
        l.add(exec("/usr/bin/bash", "/usr/bin/runc"));
        l.add(exec("/usr/bin/cat", "/usr/bin/bash"));
        for (String f : List.of("nginx.conf", "mime.types", "conf.d/default.conf", "fastcgi_params", "koi-utf")) {
            l.add(open("/etc/nginx/" + f, "/usr/sbin/nginx", "O_RDONLY|O_CLOEXEC"));
        }
        for (String lib : List.of("libc.so.6", "libpcre2-8.so.0", "libssl.so.3", "libcrypto.so.3", "libz.so.1")) {
            l.add(open("/usr/lib/x86_64-linux-gnu/" + lib, "/usr/sbin/nginx", "O_RDONLY|O_CLOEXEC"));
        }
        for (int i = 0; i < 10; i++) l.add(open("/var/log/nginx/access.log", "/usr/sbin/nginx", "O_WRONLY|O_APPEND|O_CREAT"));
        l.add(open("/usr/share/nginx/html/index.html", "/usr/sbin/nginx", "O_RDONLY"));
        for (int pid : new int[] {1, 29, 30}) l.add(open("/proc/" + pid + "/status", "/usr/sbin/nginx", "O_RDONLY"));
        l.add(open("/etc/passwd", "/usr/bin/cat", "O_RDONLY"));
        for (int i = 0; i < 4; i++) l.add(socket("/usr/sbin/nginx", "SOCK_STREAM|SOCK_NONBLOCK"));
        l.add("{" + POD + ",\"Operation\":\"Capabilities\",\"ProcessName\":\"/usr/sbin/nginx\",\"Resource\":\"CAP_NET_BIND_SERVICE\",\"Type\":\"ContainerLog\"}");
        return l;
    }

    static List<PolicyDraft> discover(List<String> logs) throws IOException {
        Discoverer d = new Discoverer(DiscoverySettings.DEFAULT);
        LogLines.read(new BufferedReader(new StringReader(String.join("\n", logs))), d::add, m -> { throw new AssertionError(m); });
        return d.drafts();
    }

    static List<Alert> replay(String yaml, List<String> logs) throws IOException {
        PolicyLoader.Result r = PolicyLoader.loadText("discovered.yaml", yaml);
        assertFalse(r.hasErrors(), () -> r.problems() + "\n" + yaml);
        Simulator s = new Simulator(r.policies(), PostureSettings.uniform(Posture.BLOCK), new HostIdentity("n", Map.of()),
                TelemetryTypes.ENFORCER_BPF_LSM);
        List<Alert> alerts = new ArrayList<>();
        s.run(new BufferedReader(new StringReader(String.join("\n", logs))), d -> alerts.add(d.alert()), m -> { });
        return alerts;
    }

    @Test
    void theLearnedPolicyIsValidAllowsEverythingSeenAndBlocksTheRest() throws IOException {
        List<PolicyDraft> drafts = discover(nginxDay());
        assertEquals(1, drafts.size());
        PolicyDraft d = drafts.getFirst();
        assertEquals("nginx-least-permissive", d.policyName());
        assertEquals(Map.of("app", "nginx"), d.workload().selector(), "hash labels are not in the selector");
        String yaml = PolicyYamlWriter.write(d, "learned in a test");

        assertEquals(List.of(), replay(yaml, nginxDay()), () -> "replaying what was learned must deny nothing:\n" + yaml);

        List<Alert> unseen = replay(yaml, List.of(
                exec("/usr/bin/curl", "/usr/bin/bash"),
                open("/etc/nginx/nginx.conf", "/usr/sbin/nginx", "O_WRONLY|O_TRUNC"),
                open("/etc/shadow", "/usr/bin/cat", "O_RDONLY"),
                socket("/usr/sbin/nginx", "SOCK_DGRAM")));
        assertEquals(4, unseen.size(), () -> unseen + "\n" + yaml);
        assertTrue(unseen.stream().allMatch(a -> a.action().equals("Block") && a.policyName().equals("DefaultPosture")));
    }

    @Test
    void filesAreFoldedWhereListingWouldBeBrittleAndCommented() throws IOException {
        String yaml = PolicyYamlWriter.write(discover(nginxDay()).getFirst(), "h");
        assertTrue(yaml.contains("- dir: /etc/nginx/\n      recursive: true\n      readOnly: true"), yaml);
        assertTrue(yaml.contains("- path: /usr/sbin/nginx\n      readOnly: true"), "programs are readable files too: " + yaml);
        assertTrue(yaml.contains("- dir: /usr/lib/x86_64-linux-gnu/"), yaml);
        assertTrue(yaml.contains("- path: /var/log/nginx/access.log\n      fromSource:\n      - path: /usr/sbin/nginx"), yaml);
        assertFalse(yaml.contains("access.log\n      readOnly"), "written files are not read-only");
        assertTrue(yaml.contains("- dir: /proc/\n      recursive: true\n    #"), "pid directories fold at /proc/, writable for the runtime: " + yaml);
        assertTrue(yaml.contains("# folded from 5 paths (/etc/nginx/conf.d/default.conf, /etc/nginx/fastcgi_params, /etc/nginx/koi-utf, ...)"), yaml);
        assertTrue(yaml.contains("- path: /usr/sbin/nginx\n      fromSource:\n      - path: /usr/bin/runc"), yaml);
        assertTrue(yaml.contains("- protocol: tcp"), yaml);
        assertTrue(yaml.contains("- capability: net_bind_service"), yaml);
        assertTrue(yaml.contains("runtime baseline"), yaml);
    }

    @Test
    void workloadsAreSeparatedByNamespaceAndStableLabels() throws IOException {
        List<String> logs = new ArrayList<>(nginxDay());
        logs.add(exec("/usr/bin/redis-server", "/usr/bin/runc").replace("app=nginx", "app=redis").replace("\"Name\":\"nginx\"", "\"Name\":\"redis\""));
        List<PolicyDraft> drafts = discover(logs);
        assertEquals(List.of("nginx-least-permissive", "redis-least-permissive"), drafts.stream().map(PolicyDraft::policyName).toList());
        PolicyDraft redis = drafts.get(1);
        assertTrue(redis.notes().stream().anyMatch(n -> n.startsWith("no file operations seen")), redis.notes()::toString);
    }

    @Test
    void scalarsAreQuotedWhenYamlWouldMisreadThem() {
        assertEquals("/usr/bin/x", PolicyYamlWriter.scalar("/usr/bin/x"));
        assertEquals("\"true\"", PolicyYamlWriter.scalar("true"));
        assertEquals("\"8080\"", PolicyYamlWriter.scalar("8080"));
        assertEquals("\"/a: b #c\"", PolicyYamlWriter.scalar("/a: b #c"));
        assertEquals("\"say \\\"hi\\\"\"", PolicyYamlWriter.scalar("say \"hi\""));
        assertEquals("web-7c5b8d65b8-x2x9z".replaceFirst("-[a-z0-9]{5}$", "").replaceFirst("-[0-9a-f]{6,10}$", ""),
                WorkloadKey.stripGenerated("web-7c5b8d65b8-x2x9z"));
    }
}
