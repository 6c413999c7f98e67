package dev.palisade.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A {@code matchDirectories} entry: a directory ending in {@code /}, its direct children or (recursive) all below. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DirectoryRule(
        String dir,
        Boolean recursive,
        Boolean ownerOnly,
        Boolean readOnly,
        Boolean pts,
        List<SourcePath> fromSource,
        Integer severity,
        List<String> tags,
        String message,
        String action) implements RuleFields {}
