package dev.palisade.actors;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition; fails naming what did not happen in time. */
public final class Await {
    private Await() {}

    public static void until(String what, Duration within, BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + within + ": " + what);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }

    /** Waits {@code period}, failing if the condition stops holding meanwhile. */
    public static void holds(String what, Duration period, BooleanSupplier condition) {
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() < end) {
            if (!condition.getAsBoolean()) throw new AssertionError("stopped holding: " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
