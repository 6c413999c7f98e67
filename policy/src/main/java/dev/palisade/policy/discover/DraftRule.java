package dev.palisade.policy.discover;

/**
 * One learned rule, with the comment saying what it was learned from.
 *
 * @param section  process, file, network or capabilities
 * @param list     matchPaths, matchDirectories, matchProtocols or matchCapabilities
 * @param field    path, dir, protocol or capability
 */
public record DraftRule(String section, String list, String field, String value, boolean recursive, boolean readOnly,
                        String fromSource, String comment) {}
