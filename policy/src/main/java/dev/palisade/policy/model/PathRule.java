package dev.palisade.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A {@code matchPaths} entry of the process or file section. Process rules name the executable by {@code path} or
 * by {@code execname} and may restrict arguments; file rules may be {@code readOnly}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PathRule(
        String path,
        String execname,
        List<String> allowedArgs,
        Boolean ownerOnly,
        Boolean readOnly,
        Boolean pts,
        List<SourcePath> fromSource,
        Integer severity,
        List<String> tags,
        String message,
        String action) implements RuleFields {}
