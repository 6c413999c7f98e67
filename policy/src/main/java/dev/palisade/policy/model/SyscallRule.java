package dev.palisade.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A {@code syscalls} entry (audit only in KubeArmor). Accepted and validated; not acted on by Palisade yet. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SyscallRule(
        List<String> syscall,
        String path,
        Boolean recursive,
        List<SourcePath> fromSource) {}
