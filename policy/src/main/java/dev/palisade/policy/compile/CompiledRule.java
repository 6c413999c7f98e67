package dev.palisade.policy.compile;

import java.util.Set;

/**
 * One rule after inheritance and expansion: one resource spelling, one source (or any), flags, and the verdicts it
 * decides with. A policy rule with two {@code fromSource} entries on a path with an alias becomes four of these.
 *
 * @param resource    path, directory (ends in '/'), exec name, glob, protocol or capability name
 * @param source      the executable the operation must come from, or null for any
 * @param allowedArgs for process rules: the arguments an exec may use, or null when unrestricted
 * @param verdict     what a match decides
 * @param violation   what an Allow rule decides when its ownerOnly/readOnly condition fails: DefaultPosture Block
 */
public record CompiledRule(OperationClass operation, ResourceKind kind, String resource, boolean recursive,
                           String source, RuleAction action, boolean readOnly, boolean ownerOnly, boolean tty,
                           Set<String> allowedArgs, RuleOrigin origin, Verdict verdict, Verdict violation) {

    public CompiledRule {
        allowedArgs = allowedArgs == null ? null : Set.copyOf(allowedArgs);
    }
}
