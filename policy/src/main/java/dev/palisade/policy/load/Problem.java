package dev.palisade.policy.load;

/**
 * One thing wrong (or worth a warning) with a policy: where it is (file, line, field path such as
 * {@code spec.process.matchPaths[1].path}) and why.
 */
public record Problem(Level level, String source, int line, String field, String reason) {

    public enum Level { ERROR, WARNING }

    public static Problem error(String source, int line, String field, String reason) {
        return new Problem(Level.ERROR, source, line, field, reason);
    }

    public static Problem warning(String source, int line, String field, String reason) {
        return new Problem(Level.WARNING, source, line, field, reason);
    }

    public boolean isError() {
        return level == Level.ERROR;
    }

    /** {@code file:line: field: reason}, the form compilers use, so editors can jump to it. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(source);
        if (line > 0) b.append(':').append(line);
        b.append(": ");
        if (level == Level.WARNING) b.append("warning: ");
        if (field != null && !field.isEmpty()) b.append(field).append(": ");
        return b.append(reason).toString();
    }
}
