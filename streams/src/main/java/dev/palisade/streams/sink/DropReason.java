package dev.palisade.streams.sink;

import java.util.Locale;

/** Why a sink lost a record; the {@code reason} tag of {@code palisade_sink_records_dropped_total}. */
public enum DropReason {
    /** The sink's own buffer was full: the sink is slower than the records arrive (or its destination is down). */
    BUFFER_FULL,
    /** The destination refused the record, or kept failing until the sink's retries were used up. */
    DELIVERY_FAILED,
    /** The record was inside the sink when it crashed and restarted, or when shutdown gave up waiting for it. */
    ABORTED;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
