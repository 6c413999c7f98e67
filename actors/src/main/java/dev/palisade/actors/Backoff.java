package dev.palisade.actors;

import java.time.Duration;

/** Exponential backoff for retrying a refused publish: min, doubling, capped at max. Mutable; one per actor. */
final class Backoff {
    private final Duration min;
    private final Duration max;
    private Duration next;
    private int failures;

    Backoff(Duration min, Duration max) {
        this.min = min;
        this.max = max.compareTo(min) < 0 ? min : max;
        this.next = min;
    }

    /** Counts a failure and returns how long to wait before the next attempt. */
    Duration failed() {
        failures++;
        Duration d = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return d;
    }

    /** Failures since the last success (or reset). */
    int failures() {
        return failures;
    }

    void reset() {
        next = min;
        failures = 0;
    }
}
