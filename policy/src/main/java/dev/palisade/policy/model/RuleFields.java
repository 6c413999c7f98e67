package dev.palisade.policy.model;

import java.util.List;

/** What every rule, section and spec may carry; empty values inherit from the enclosing level. */
public interface RuleFields {
    Integer severity();

    List<String> tags();

    String message();

    String action();
}
