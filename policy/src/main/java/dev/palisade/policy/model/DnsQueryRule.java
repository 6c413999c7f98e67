package dev.palisade.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A {@code matchDNSQueries} entry. Accepted and validated; not enforced by Palisade yet. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DnsQueryRule(
        String domain,
        List<SourcePath> fromSource,
        Integer severity,
        List<String> tags,
        String message,
        String action) implements RuleFields {}
