package dev.palisade.kernel.lsm;

import java.nio.charset.StandardCharsets;

/**
 * The enforcer's two keyed 64-bit FNV-1a hashes of a resource's bytes (palisade_enforcer.h): the offset basis of
 * each is the FNV offset XOR a seed the agent picks at random at start, so workloads cannot aim for collisions.
 */
public record PathHash(long seed1, long seed2) {
    static final long OFFSET = 0xcbf29ce484222325L;
    static final long PRIME = 0x100000001b3L;
    /** check = h2(resource) ^ h2(source) * CHECK_MIX; a rule for any source has h2(source) = 0. */
    static final long CHECK_MIX = 0x9e3779b97f4a7c15L;

    public long h1(byte[] bytes) {
        return fnv(OFFSET ^ seed1, bytes);
    }

    public long h2(byte[] bytes) {
        return fnv(OFFSET ^ seed2, bytes);
    }

    static long fnv(long basis, byte[] bytes) {
        long h = basis;
        for (byte b : bytes) h = (h ^ (b & 0xff)) * PRIME;
        return h;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static long check(long h2Resource, long h2Source) {
        return h2Resource ^ (h2Source * CHECK_MIX);
    }
}
