package dev.palisade.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TelemetryJsonTest {
    @Test
    void alertsUseKubeArmorsFieldNamesInOrderAndOmitZeroValues() throws Exception {
        Alert a = Alert.builder().timestamp(1692813948).namespaceName("default").pid(41).uid(0)
                .policyName("DefaultPosture").severity("").tags("").atags(List.of()).type("MatchedPolicy")
                .operation("Process").resource("/usr/sbin/chroot").action("Block").result("Permission denied").build();
        String json = TelemetryJson.write(a);
        assertEquals("{\"Timestamp\":1692813948,\"NamespaceName\":\"default\",\"PID\":41,\"PolicyName\":\"DefaultPosture\","
                + "\"Type\":\"MatchedPolicy\",\"Operation\":\"Process\",\"Resource\":\"/usr/sbin/chroot\","
                + "\"Action\":\"Block\",\"Result\":\"Permission denied\"}", json);
        assertEquals(a, TelemetryJson.readAlert(json));
    }

    @Test
    void logsReadRecordedKubeArmorOutputIgnoringFieldsTheyDoNotKnow() throws Exception {
        Log l = TelemetryJson.readLog("""
                {"ClusterName":"default","HostName":"aks-1","NamespaceName":"accuknox-agents","Owner":{"Ref":"Deployment","Name":"d","Namespace":"ns"},
                 "PodName":"p","Labels":"app=x","HostPID":967872,"PID":1,"Type":"ContainerLog","Operation":"File",
                 "Resource":"/var/run/secrets/token","Data":"syscall=SYS_OPENAT fd=-100 flags=O_RDONLY|O_CLOEXEC","Result":"Passed",
                 "cluster_id":"596","component_name":"kubearmor"}""");
        assertEquals("Deployment", l.owner().ref());
        assertEquals(967872, l.hostPid());
        assertEquals("File", l.operation());
        Alert a = l.toAlert().policyName("x").build();
        assertEquals(l.resource(), a.resource());
        assertTrue(TelemetryJson.write(a).contains("\"Owner\":{\"Ref\":\"Deployment\",\"Name\":\"d\",\"Namespace\":\"ns\"}"));
        assertFalse(TelemetryJson.write(l).contains("cluster_id"));
    }
}
