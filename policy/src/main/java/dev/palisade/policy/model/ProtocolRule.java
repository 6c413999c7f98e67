package dev.palisade.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A {@code matchProtocols} entry: an IP protocol (tcp, udp, icmp, ...) or a socket type (stream, dgram, raw, ...). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProtocolRule(
        String protocol,
        Boolean pts,
        List<SourcePath> fromSource,
        Integer severity,
        List<String> tags,
        String message,
        String action) implements RuleFields {}
