package dev.palisade.policy.discover;

/**
 * @param foldThreshold        a directory with this many distinct files seen (or folded subdirectories) becomes one
 *                             recursive directory rule
 * @param processFoldThreshold likewise for executables (non-recursive); higher, since programs deserve listing
 * @param minSourceEvents      a resource always used by one program, at least this often, gets {@code fromSource}
 * @param runtimeBaseline      add the device, /proc and loader entries a container runtime and the dynamic loader
 *                             need to file allow-lists
 */
public record DiscoverySettings(int foldThreshold, int processFoldThreshold, int minSourceEvents, boolean runtimeBaseline) {
    public static final DiscoverySettings DEFAULT = new DiscoverySettings(4, 8, 3, true);
}
