package dev.palisade.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The spec shared by the three policy kinds. Which fields a kind may use (selector vs nodeSelector, the
 * expression keys) is checked by validation, not by the type. {@code apparmor}, {@code presets} and {@code device}
 * are KubeArmor features Palisade accepts and ignores (with a warning).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicySpec(
        Selector selector,
        NodeSelector nodeSelector,
        ProcessSection process,
        FileSection file,
        NetworkSection network,
        CapabilitiesSection capabilities,
        SyscallsSection syscalls,
        Integer severity,
        List<String> tags,
        String message,
        String action,
        String apparmor,
        JsonNode presets,
        JsonNode device) implements RuleFields {}
