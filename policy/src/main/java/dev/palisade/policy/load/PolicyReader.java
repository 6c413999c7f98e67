package dev.palisade.policy.load;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.palisade.policy.Policy;
import dev.palisade.policy.model.PolicyGroup;
import dev.palisade.policy.model.PolicySpec;
import dev.palisade.policy.schema.PolicyKind;
import dev.palisade.policy.schema.PolicySchemas;
import dev.palisade.policy.schema.SchemaValidator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns one document (from a file, or from the API server) into a validated {@link Policy}: kind, schema,
 * metadata, then the semantic checks. A document with any error yields no policy, only problems.
 */
public final class PolicyReader {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    /** Namespace of a KubeArmorPolicy document that names none: where {@code kubectl apply} would put it. */
    public static final String DEFAULT_NAMESPACE = "default";

    private PolicyReader() {}

    /** The policy, if the document is valid; problems (errors and warnings) are added to {@code problems}. */
    public static Optional<Policy> read(YamlDocument doc, List<Problem> problems) {
        return read(doc.tree(), doc.source(), doc.lines(), problems);
    }

    /** Validates a resource that came from the API server (no line numbers). */
    public static Optional<Policy> read(HasMetadata resource, List<Problem> problems) {
        JsonNode tree = MAPPER.valueToTree(resource);
        String source = resource.getKind() + " " + (resource.getMetadata().getNamespace() == null ? ""
                : resource.getMetadata().getNamespace() + "/") + resource.getMetadata().getName();
        return read(tree, source, LineIndex.NONE, problems);
    }

    public static Optional<Policy> read(JsonNode tree, String source, LineIndex lines, List<Problem> problems) {
        List<Problem> mine = new ArrayList<>();
        String apiVersion = tree.path("apiVersion").asText("");
        String kindName = tree.path("kind").asText("");
        Optional<PolicyKind> kind = PolicyKind.ofKind(kindName);
        if (kind.isEmpty() || !apiVersion.equals(PolicyGroup.API_VERSION)) {
            if (kindName.startsWith("KubeArmor") && kind.isPresent()) {
                mine.add(Problem.error(source, lines.lineOf("apiVersion"), "apiVersion", "must be "
                        + PolicyGroup.API_VERSION + " (got \"" + apiVersion + "\")"));
            } else {
                mine.add(Problem.error(source, lines.lineOf("kind"), "kind", "not a KubeArmor policy (kind \""
                        + kindName + "\", apiVersion \"" + apiVersion + "\"); expected KubeArmorPolicy, "
                        + "KubeArmorClusterPolicy or KubeArmorHostPolicy of " + PolicyGroup.API_VERSION));
            }
            problems.addAll(mine);
            return Optional.empty();
        }
        PolicyKind k = kind.get();
        SchemaValidator.validate(tree, PolicySchemas.forKind(k), source, lines, mine);

        JsonNode metadata = tree.path("metadata");
        String name = metadata.path("name").asText("");
        if (name.isEmpty()) {
            mine.add(Problem.error(source, lines.lineOf("metadata"), "metadata.name", "required field is missing"));
        } else if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
            mine.add(Problem.error(source, lines.lineOf("metadata.name"), "metadata.name",
                    "must be a lowercase DNS subdomain: a-z, 0-9, '-' and '.', at most 253 characters (got \"" + name + "\")"));
        }
        String namespace = metadata.path("namespace").asText("");
        if (k.namespaced()) {
            if (namespace.isEmpty()) namespace = DEFAULT_NAMESPACE;
        } else {
            if (!namespace.isEmpty()) {
                mine.add(Problem.warning(source, lines.lineOf("metadata.namespace"), "metadata.namespace",
                        k.kind() + " is cluster-scoped; the namespace is ignored"));
            }
            namespace = null;
        }
        Map<String, String> annotations = new HashMap<>();
        metadata.path("annotations").fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));

        PolicySpec spec = null;
        boolean schemaOk = mine.stream().noneMatch(Problem::isError);
        try {
            spec = MAPPER.treeToValue(tree.path("spec"), PolicySpec.class);
        } catch (Exception e) {
            // A type error the schema check has already reported; without a spec the semantic checks cannot run.
            if (schemaOk) mine.add(Problem.error(source, lines.lineOf("spec"), "spec", "cannot be read: " + e.getMessage()));
        }
        if (spec != null) PolicySemantics.check(k, spec, source, lines, mine);
        String mode = annotations.getOrDefault(Policy.MODE_ANNOTATION, "");
        if (!mode.isEmpty() && !mode.equals(Policy.DRY_RUN) && !mode.equals("enforce")) {
            mine.add(Problem.error(source, lines.lineOf("metadata.annotations"), "metadata.annotations[\""
                    + Policy.MODE_ANNOTATION + "\"]", "must be \"dry-run\" or \"enforce\" (got \"" + mode + "\")"));
        }
        problems.addAll(firstPerField(mine));
        if (mine.stream().anyMatch(Problem::isError)) return Optional.empty();
        return Optional.of(new Policy(k, name, namespace, spec, annotations, mode.equals(Policy.DRY_RUN), source, lines));
    }

    /** One problem per field and level (the schema and the semantic checks may both see a bad value), by line. */
    private static List<Problem> firstPerField(List<Problem> problems) {
        Map<String, Problem> seen = new java.util.LinkedHashMap<>();
        for (Problem p : problems) seen.putIfAbsent(p.level() + " " + p.field(), p);
        List<Problem> out = new ArrayList<>(seen.values());
        out.sort(java.util.Comparator.comparingInt(Problem::line));
        return out;
    }
}
