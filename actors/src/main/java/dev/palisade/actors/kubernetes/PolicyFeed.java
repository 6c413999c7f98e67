package dev.palisade.actors.kubernetes;

import dev.palisade.actors.AgentMessages;
import dev.palisade.policy.Policy;
import dev.palisade.policy.load.PolicyReader;
import dev.palisade.policy.load.Problem;
import dev.palisade.policy.model.PolicyGroup;
import dev.palisade.policy.schema.PolicyKind;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns policy resources from the API server into validated policies. The informers watch them as generic
 * resources, so a resource that does not fit the model (a wrong type the CRD schema let through, a CRD of another
 * version) is a reported problem, never an informer that stops. An invalid resource is reported once per
 * resource version and skipped; if an earlier version of it was valid, that version stays in force (as with a
 * policy file), until the resource is fixed or deleted. Thread-safe: the three kinds' informers share it.
 */
final class PolicyFeed {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyFeed.class);
    private final AgentMessages messages;
    private final ConcurrentHashMap<String, Policy> lastGood = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> reportedVersion = new ConcurrentHashMap<>();

    PolicyFeed(AgentMessages messages) {
        this.messages = messages;
    }

    static ResourceDefinitionContext context(PolicyKind kind) {
        return new ResourceDefinitionContext.Builder().withGroup(PolicyGroup.GROUP).withVersion(PolicyGroup.VERSION)
                .withKind(kind.kind()).withPlural(kind.plural()).withNamespaced(kind.namespaced()).build();
    }

    /** {@link Policy#key()} of the resource, valid or not. */
    static String key(PolicyKind kind, GenericKubernetesResource r) {
        String ns = r.getMetadata().getNamespace();
        if (kind.namespaced() && (ns == null || ns.isEmpty())) ns = PolicyReader.DEFAULT_NAMESPACE;
        return kind.shortName() + "/" + (kind.namespaced() ? ns + "/" : "") + r.getMetadata().getName();
    }

    /** The policy to keep in force for this resource version: itself if valid, else its last good version. */
    Optional<Policy> read(PolicyKind kind, GenericKubernetesResource r) {
        String key = key(kind, r);
        List<Problem> problems = new ArrayList<>();
        Optional<Policy> p;
        try {
            p = PolicyReader.read(r, problems);
        } catch (RuntimeException e) {
            problems.add(Problem.error(kind.kind() + " " + key, 0, "", "cannot be read: " + e));
            p = Optional.empty();
        }
        String version = String.valueOf(r.getMetadata().getResourceVersion());
        if (p.isPresent()) {
            lastGood.put(key, p.get());
            if (!problems.isEmpty() && !version.equals(reportedVersion.put(key, version))) {
                for (Problem w : problems) LOG.info("{}", w);
            }
            return p;
        }
        Policy previous = lastGood.get(key);
        if (!version.equals(reportedVersion.put(key, version))) {
            String kept = previous == null ? "it is skipped" : "its last good version stays in force until it is fixed or deleted";
            for (Problem e : problems) {
                LOG.warn("policy rejected: {}", e);
                messages.warning("policy rejected: " + e + " (" + kept + ")");
            }
            if (previous != null) LOG.warn("{} is now invalid; {}", key, kept);
        }
        return Optional.ofNullable(previous);
    }

    void deleted(PolicyKind kind, GenericKubernetesResource r) {
        String key = key(kind, r);
        lastGood.remove(key);
        reportedVersion.remove(key);
    }
}
