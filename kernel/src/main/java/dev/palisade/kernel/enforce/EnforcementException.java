package dev.palisade.kernel.enforce;

/** A rule set could not be put into force; what was in force before stays in force. */
public class EnforcementException extends Exception {
    public EnforcementException(String message) {
        super(message);
    }

    public EnforcementException(String message, Throwable cause) {
        super(message, cause);
    }
}
