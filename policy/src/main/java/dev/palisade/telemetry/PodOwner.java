package dev.palisade.telemetry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The workload that owns a pod (Deployment, DaemonSet, ...), as KubeArmor reports it. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record PodOwner(
        @JsonProperty("Ref") String ref,
        @JsonProperty("Name") String name,
        @JsonProperty("Namespace") String namespace) {}
