package dev.palisade.policy.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.palisade.policy.model.PolicyGroup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the CustomResourceDefinition of a policy kind from {@link PolicySchemas}, so the cluster accepts exactly
 * what {@code palisade policy validate} accepts. Group, version, names and scope are KubeArmor's, so existing
 * policies and tooling ({@code kubectl get ksp}) work unchanged.
 */
public final class CrdRenderer {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build());

    private CrdRenderer() {}

    /** The file name under deploy/crds. */
    public static String fileName(PolicyKind kind) {
        return PolicyGroup.GROUP + "_" + kind.plural() + ".yaml";
    }

    public static String render(PolicyKind kind) {
        Map<String, Object> crd = new LinkedHashMap<>();
        crd.put("apiVersion", "apiextensions.k8s.io/v1");
        crd.put("kind", "CustomResourceDefinition");
        crd.put("metadata", Map.of("name", kind.plural() + "." + PolicyGroup.GROUP));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("group", PolicyGroup.GROUP);
        Map<String, Object> names = new LinkedHashMap<>();
        names.put("kind", kind.kind());
        names.put("listKind", kind.kind() + "List");
        names.put("plural", kind.plural());
        names.put("singular", kind.singular());
        names.put("shortNames", List.of(kind.shortName()));
        spec.put("names", names);
        spec.put("scope", kind.namespaced() ? "Namespaced" : "Cluster");
        Map<String, Object> version = new LinkedHashMap<>();
        version.put("name", PolicyGroup.VERSION);
        version.put("served", true);
        version.put("storage", true);
        version.put("additionalPrinterColumns", List.of(
                column("Age", "date", ".metadata.creationTimestamp", null),
                column("Action", "string", ".spec.action", 10),
                column("Selector", "string", switch (kind) {
                    case KUBEARMOR_POLICY -> ".spec.selector.matchLabels";
                    case KUBEARMOR_CLUSTER_POLICY -> ".spec.selector.matchExpressions";
                    case KUBEARMOR_HOST_POLICY -> ".spec.nodeSelector.matchLabels";
                }, 10)));
        version.put("schema", Map.of("openAPIV3Schema", node(PolicySchemas.forKind(kind), true)));
        version.put("subresources", Map.of("status", Map.of()));
        spec.put("versions", List.of(version));
        crd.put("spec", spec);
        try {
            return "# Generated from dev.palisade.policy.schema.PolicySchemas; do not edit by hand.\n"
                    + YAML.writeValueAsString(crd);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> column(String name, String type, String path, Integer priority) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("type", type);
        c.put("jsonPath", path);
        if (priority != null) c.put("priority", priority);
        return c;
    }

    private static Map<String, Object> node(SchemaNode s, boolean root) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (s.description() != null) m.put("description", s.description());
        m.put("type", s.type());
        if (!s.enumValues().isEmpty()) m.put("enum", s.enumValues());
        if (s.pattern() != null) m.put("pattern", s.pattern());
        if (s.minimum() != null) m.put("minimum", s.minimum());
        if (s.maximum() != null) m.put("maximum", s.maximum());
        if (s.maxLength() != null) m.put("maxLength", s.maxLength());
        if (s.maxItems() != null) m.put("maxItems", s.maxItems());
        if (s.items() != null) m.put("items", node(s.items(), false));
        if (s.additionalProperties() != null) m.put("additionalProperties", node(s.additionalProperties(), false));
        if (!s.properties().isEmpty()) {
            Map<String, Object> props = new LinkedHashMap<>();
            // metadata is Kubernetes' own: declared as a plain object, never pruned
            s.properties().forEach((k, v) -> props.put(k, root && k.equals("metadata") ? Map.of("type", "object") : node(v, false)));
            m.put("properties", props);
        }
        if (!s.required().isEmpty()) m.put("required", s.required());
        if (s.preserveUnknownFields() && !root) m.put("x-kubernetes-preserve-unknown-fields", true);
        return m;
    }
}
