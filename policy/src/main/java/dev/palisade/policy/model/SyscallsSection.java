package dev.palisade.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record SyscallsSection(
        List<SyscallRule> matchSyscalls,
        List<SyscallRule> matchPaths,
        Integer severity,
        List<String> tags,
        String message) {}
