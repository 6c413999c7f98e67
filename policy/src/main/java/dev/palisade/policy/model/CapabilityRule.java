package dev.palisade.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A {@code matchCapabilities} entry: a Linux capability name ({@code net_raw}; {@code cap_} prefix accepted). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CapabilityRule(
        String capability,
        List<SourcePath> fromSource,
        Integer severity,
        List<String> tags,
        String message,
        String action) implements RuleFields {}
