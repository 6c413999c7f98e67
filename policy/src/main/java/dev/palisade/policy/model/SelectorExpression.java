package dev.palisade.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** {@code key} is {@code label} (values {@code "k=v"}) or, in cluster policies, {@code namespace}; operator In|NotIn. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SelectorExpression(String key, String operator, List<String> values) {}
