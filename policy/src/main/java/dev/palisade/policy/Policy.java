package dev.palisade.policy;

import dev.palisade.policy.load.LineIndex;
import dev.palisade.policy.model.PolicySpec;
import dev.palisade.policy.schema.PolicyKind;
import java.util.Map;

/**
 * A policy that passed validation: its kind, identity, spec and where it came from. Immutable; this is what
 * selection and compilation consume.
 *
 * @param namespace the namespace of a KubeArmorPolicy ({@code default} when the document names none, as
 *                  {@code kubectl apply} would); null for cluster and host policies
 * @param dryRun    evaluated and alerted, never enforced (annotation {@code palisade.dev/mode: dry-run})
 */
public record Policy(
        PolicyKind kind,
        String name,
        String namespace,
        PolicySpec spec,
        Map<String, String> annotations,
        boolean dryRun,
        String source,
        LineIndex lines) {

    public static final String MODE_ANNOTATION = "palisade.dev/mode";
    public static final String DRY_RUN = "dry-run";

    public Policy {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** A key unique among all loaded policies: {@code ksp/default/name}, {@code csp/name}, {@code hsp/name}. */
    public String key() {
        return kind.shortName() + "/" + (namespace == null ? "" : namespace + "/") + name;
    }

    @Override
    public String toString() {
        return key() + " (" + source + ")";
    }
}
