package dev.palisade.streams.sink;

/**
 * What a sink's delivery stage reports for one record or one batch: how many records reached the destination and
 * how many were given up on (after the sink's own retries). Every record that enters a delivery stage is reported
 * exactly once, so {@code offered = delivered + dropped} holds per sink once it is idle.
 */
public record Delivery(int delivered, int failed) {
    public static final Delivery ONE = new Delivery(1, 0);
    public static final Delivery FAILED_ONE = new Delivery(0, 1);

    public Delivery {
        if (delivered < 0 || failed < 0) throw new IllegalArgumentException("negative delivery counts");
    }

    public static Delivery of(int delivered, int failed) {
        if (failed == 0 && delivered == 1) return ONE;
        if (delivered == 0 && failed == 1) return FAILED_ONE;
        return new Delivery(delivered, failed);
    }

    public int settled() {
        return delivered + failed;
    }
}
