package dev.palisade.kernel.probe;

/** A probed kernel feature: whether it works here, and what the probe saw (the error when it does not). */
public record Feature(boolean available, String detail) {
    public static Feature yes(String detail) {
        return new Feature(true, detail);
    }

    public static Feature no(String detail) {
        return new Feature(false, detail);
    }
}
