package dev.palisade.policy.glob;

import java.util.Optional;

/**
 * The glob language of {@code matchPatterns}: {@code *} (any run of characters but '/'), {@code **} (any run,
 * '/' included), {@code ?} (one character but '/'), {@code [abc]}, {@code [a-z]}, {@code [!a]} / {@code [^a]},
 * {@code {a,b}} (alternatives, nestable) and {@code \} (escape).
 */
public final class GlobSyntax {
    private GlobSyntax() {}

    /** Empty when the pattern is well formed, else why not. */
    public static Optional<String> check(String pattern) {
        int braces = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            switch (c) {
                case '\\' -> {
                    if (i + 1 == pattern.length()) return Optional.of("ends with an unfinished escape '\\'");
                    i++;
                }
                case '[' -> {
                    int close = classEnd(pattern, i);
                    if (close < 0) return Optional.of("'[' at position " + (i + 1) + " is never closed");
                    i = close;
                }
                case '{' -> braces++;
                case '}' -> {
                    if (braces == 0) return Optional.of("'}' at position " + (i + 1) + " has no matching '{'");
                    braces--;
                }
                default -> { }
            }
        }
        if (braces > 0) return Optional.of("'{' is never closed");
        char first = pattern.isEmpty() ? 0 : pattern.charAt(0);
        if (first != '/' && first != '*' && first != '{' && first != '?' && first != '[') {
            return Optional.of("can never match: paths are absolute, so a pattern must start with '/', '*', '?', '[' or '{'");
        }
        return Optional.empty();
    }

    /** Index of the ']' closing the class opened at {@code open}, or -1. A ']' right after '[', '[!' or '[^' is literal. */
    static int classEnd(String p, int open) {
        int i = open + 1;
        if (i < p.length() && (p.charAt(i) == '!' || p.charAt(i) == '^')) i++;
        if (i < p.length() && p.charAt(i) == ']') i++;
        for (; i < p.length(); i++) {
            if (p.charAt(i) == '\\') i++;
            else if (p.charAt(i) == ']') return i;
        }
        return -1;
    }
}
