package dev.palisade.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkSection(
        List<ProtocolRule> matchProtocols,
        @com.fasterxml.jackson.annotation.JsonProperty("matchDNSQueries") List<DnsQueryRule> matchDnsQueries,
        Integer severity,
        List<String> tags,
        String message,
        String action) implements RuleFields {}
