package dev.palisade.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record FileSection(
        List<PathRule> matchPaths,
        List<DirectoryRule> matchDirectories,
        List<PatternRule> matchPatterns,
        Integer severity,
        List<String> tags,
        String message,
        String action) implements RuleFields {}
