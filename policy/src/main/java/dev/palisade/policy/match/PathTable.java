package dev.palisade.policy.match;

import java.util.Collection;

/**
 * An immutable hash table of rule buckets by their key, that can look up a region of a string, or a string plus one
 * trailing character, without creating the substring. The directory walk needs this: every ancestor of
 * {@code /a/b/c} is looked up while its hash is computed in one left-to-right pass, so a lookup costs the same
 * whatever the number of rules and allocates nothing.
 *
 * <p>Each slot holds the bucket itself (key, hash and rules in one object), so a hit costs a few dependent memory
 * loads, which is what matters once the rules outgrow the caches. Hashes use {@link String#hashCode()}'s
 * polynomial so a key's hash is its cached hash code.
 */
final class PathTable {
    private final RuleBucket[] slots;
    private final int mask;
    /**
     * A Bloom filter of the keys' hashes (16 bits a key, two probes): most ancestors of a path are not keys, and
     * the filter answers that from a few cache lines instead of a random probe into a large table.
     */
    private final long[] bloom;
    private final int bloomMask;
    /** Most '/' in any key: ancestors deeper than that need no lookup. */
    private final int maxSlashes;

    PathTable(Collection<RuleBucket> buckets) {
        int cap = Integer.highestOneBit(Math.max(4, buckets.size() * 2 + 1) - 1) << 1;
        slots = new RuleBucket[cap];
        mask = cap - 1;
        int bloomBits = Integer.highestOneBit(Math.max(64, buckets.size() * 16) - 1) << 1;
        bloom = new long[bloomBits >>> 6];
        bloomMask = bloomBits - 1;
        int slashes = 0;
        for (RuleBucket b : buckets) {
            int h = b.hash;
            addToBloom(h);
            slashes = Math.max(slashes, (int) b.key.chars().filter(c -> c == '/').count());
            int i = spread(h) & mask;
            while (slots[i] != null) i = (i + 1) & mask;
            slots[i] = b;
        }
        maxSlashes = slashes;
    }

    private void addToBloom(int h) {
        int a = spread(h) & bloomMask, b = spread2(h) & bloomMask;
        bloom[a >>> 6] |= 1L << a;
        bloom[b >>> 6] |= 1L << b;
    }

    private boolean mightContain(int h) {
        int a = spread(h) & bloomMask, b = spread2(h) & bloomMask;
        return (bloom[a >>> 6] & (1L << a)) != 0 && (bloom[b >>> 6] & (1L << b)) != 0;
    }

    /** The largest number of '/' in a key. */
    int maxSlashes() {
        return maxSlashes;
    }

    boolean isEmpty() {
        for (RuleBucket b : slots) if (b != null) return false;
        return true;
    }

    /** Bucket of key {@code s}. */
    RuleBucket get(String s) {
        return get(s, 0, s.length(), s.hashCode());
    }

    /** Bucket of key {@code s[from, to)} whose polynomial hash ({@code h = 31 * h + c}) is {@code hash}. */
    RuleBucket get(String s, int from, int to, int hash) {
        if (!mightContain(hash)) return null;
        int len = to - from;
        for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
            RuleBucket b = slots[i];
            if (b == null) return null;
            if (b.hash == hash && b.key.length() == len && b.key.regionMatches(0, s, from, len)) return b;
        }
    }

    /** Bucket of key {@code s + suffix} whose hash is {@code hash}. */
    RuleBucket getWithSuffix(String s, char suffix, int hash) {
        if (!mightContain(hash)) return null;
        int len = s.length();
        for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
            RuleBucket b = slots[i];
            if (b == null) return null;
            if (b.hash == hash && b.key.length() == len + 1 && b.key.charAt(len) == suffix && b.key.regionMatches(0, s, 0, len)) {
                return b;
            }
        }
    }

    /** Hash of {@code s[from, to)}, equal to {@code s.substring(from, to).hashCode()}. */
    static int hash(String s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) h = 31 * h + s.charAt(i);
        return h;
    }

    private static int spread(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private static int spread2(int h) {
        h *= 0x85EBCA6B;
        return h ^ (h >>> 13);
    }
}
