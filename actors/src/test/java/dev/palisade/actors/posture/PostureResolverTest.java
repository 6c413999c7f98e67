package dev.palisade.actors.posture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.palisade.policy.compile.Posture;
import dev.palisade.policy.compile.PostureClass;
import dev.palisade.policy.compile.PostureMode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostureResolverTest {
    static PostureSettings settings(String hocon) {
        return PostureSettings.from(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()).resolve());
    }

    static final PostureSettings BLOCK_NETWORK = settings("""
            palisade.posture { file = audit, network = block, capabilities = audit }
            palisade.posture.namespaces { shop { capabilities = block }, "kube-system" { file = BLOCK } }
            palisade.posture.host { network = audit }
            """);

    @Test
    void configuredValuesGlobalPerNamespaceAndHost() {
        assertEquals(new Posture(PostureMode.AUDIT, PostureMode.BLOCK, PostureMode.AUDIT), BLOCK_NETWORK.global());
        assertEquals(new Posture(PostureMode.AUDIT, PostureMode.BLOCK, PostureMode.BLOCK), BLOCK_NETWORK.forNamespace("shop"));
        assertEquals(new Posture(PostureMode.BLOCK, PostureMode.BLOCK, PostureMode.AUDIT), BLOCK_NETWORK.forNamespace("kube-system"));
        assertEquals(BLOCK_NETWORK.global(), BLOCK_NETWORK.forNamespace("anything-else"));
        assertEquals(new Posture(PostureMode.AUDIT, PostureMode.AUDIT, PostureMode.AUDIT), BLOCK_NETWORK.host(),
                "host keys not set follow the global ones");
        assertEquals(Posture.AUDIT, settings("").global(), "KubeArmor's default");
    }

    @Test
    void aBadConfiguredValueIsAConfigurationErrorNamingTheKey() {
        var e = assertThrows(ConfigException.BadValue.class, () -> settings("palisade.posture.namespaces.shop.file = deny"));
        assertTrue(e.getMessage().contains("palisade.posture.namespaces.shop.file") && e.getMessage().contains("deny"), e.getMessage());
    }

    @Test
    void annotationsOverrideOnlyTheirClassAnyCaseAndWhitespace() {
        var r = PostureResolver.resolve(BLOCK_NETWORK, "shop", Map.of("kubearmor-file-posture", " Block ",
                "kubearmor-network-posture", "AUDIT"));
        assertEquals(new Posture(PostureMode.BLOCK, PostureMode.AUDIT, PostureMode.BLOCK), r.posture());
        assertTrue(r.problems().isEmpty());
        assertEquals(BLOCK_NETWORK.forNamespace("shop"), PostureResolver.resolve(BLOCK_NETWORK, "shop",
                Map.of("kubearmor-policy", "audited", "kubearmor-posture", "block")).posture(), "other annotations are not posture");
    }

    @Test
    void anInvalidValueFallsBackToTheGlobalDefaultNotTheNamespacesAndIsDescribed() {
        var r = PostureResolver.resolve(BLOCK_NETWORK, "shop", Map.of("kubearmor-capabilities-posture", "enforce",
                "kubearmor-network-posture", ""));
        assertEquals(new Posture(PostureMode.AUDIT, PostureMode.BLOCK, PostureMode.AUDIT), r.posture());
        assertEquals(2, r.problems().size());
        var caps = r.problems().stream().filter(p -> p.postureClass() == PostureClass.CAPABILITIES).findFirst().orElseThrow();
        assertEquals("namespace shop: annotation kubearmor-capabilities-posture=\"enforce\" is not audit or block; using "
                + "the global capabilities posture (audit)", caps.message());
    }
}
