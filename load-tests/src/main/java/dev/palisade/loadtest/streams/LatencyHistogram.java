package dev.palisade.loadtest.streams;

/** Nanosecond latencies in log-linear buckets (1/16 relative error), for one thread; percentiles at the end. */
final class LatencyHistogram {
    private final long[] counts = new long[64 * 16];
    private long total;

    void record(long nanos) {
        long v = Math.max(1, nanos);
        int exp = 63 - Long.numberOfLeadingZeros(v);
        int sub = exp < 4 ? 0 : (int) ((v >>> (exp - 4)) & 15);
        counts[exp * 16 + sub]++;
        total++;
    }

    long percentile(double p) {
        long rank = (long) Math.ceil(p * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank && counts[i] > 0) {
                int exp = i / 16, sub = i % 16;
                return exp < 4 ? 1L << exp : (1L << exp) + ((long) sub << (exp - 4));
            }
        }
        return 0;
    }

    long count() {
        return total;
    }
}
