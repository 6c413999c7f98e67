package dev.palisade.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A {@code matchPatterns} entry: a glob over the whole path ({@code *}, {@code **}, {@code ?}, {@code [..]}, {@code {a,b}}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PatternRule(
        String pattern,
        Boolean ownerOnly,
        Boolean readOnly,
        Integer severity,
        List<String> tags,
        String message,
        String action) implements RuleFields {}
