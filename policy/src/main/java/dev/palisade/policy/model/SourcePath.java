package dev.palisade.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One {@code fromSource} entry: the executable (or, for syscall rules, the directory) an operation comes from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourcePath(String path, String dir, Boolean recursive) {}
