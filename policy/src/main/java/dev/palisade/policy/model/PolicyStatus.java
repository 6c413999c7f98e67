package dev.palisade.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code status.status}, as KubeArmor's CRDs declare it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyStatus(String status) {}
