package dev.palisade.policy.glob;

import java.util.ArrayList;
import java.util.List;

/**
 * Thompson construction of an NFA for a set of globs (syntax in {@link GlobSyntax}). Character edges carry
 * inclusive ranges over UTF-16 code units; '/' is matched only by itself and by {@code **}.
 */
final class GlobNfa {
    /** Ranges [lo0, hi0, lo1, hi1, ...]. */
    record Edge(int from, int[] ranges, int to) {}

    final List<int[]> epsilon = new ArrayList<>(); // per state: targets
    final List<Edge> edges = new ArrayList<>();
    final List<Integer> acceptPattern = new ArrayList<>(); // per state: pattern index or -1
    int start;

    private static final int[] ANY_BUT_SLASH = {0, '/' - 1, '/' + 1, 0xFFFF};
    private static final int[] ANY = {0, 0xFFFF};

    private int newState() {
        epsilon.add(new int[0]);
        acceptPattern.add(-1);
        return epsilon.size() - 1;
    }

    private void eps(int from, int to) {
        int[] old = epsilon.get(from);
        int[] n = java.util.Arrays.copyOf(old, old.length + 1);
        n[old.length] = to;
        epsilon.set(from, n);
    }

    static GlobNfa of(List<String> patterns) {
        GlobNfa nfa = new GlobNfa();
        nfa.start = nfa.newState();
        for (int i = 0; i < patterns.size(); i++) {
            int[] frag = nfa.parseAlternatives(new Cursor(patterns.get(i)), false);
            nfa.eps(nfa.start, frag[0]);
            nfa.acceptPattern.set(frag[1], i);
        }
        return nfa;
    }

    int states() {
        return epsilon.size();
    }

    private static final class Cursor {
        final String p;
        int i;

        Cursor(String p) {
            this.p = p;
        }

        boolean more() {
            return i < p.length();
        }

        char peek() {
            return p.charAt(i);
        }
    }

    /** Alternatives separated by ',' (only inside braces); returns {start, end}. */
    private int[] parseAlternatives(Cursor c, boolean inBraces) {
        int s = newState(), e = newState();
        while (true) {
            int[] seq = parseSequence(c, inBraces);
            eps(s, seq[0]);
            eps(seq[1], e);
            if (inBraces && c.more() && c.peek() == ',') {
                c.i++;
                continue;
            }
            return new int[] {s, e};
        }
    }

    private int[] parseSequence(Cursor c, boolean inBraces) {
        int s = newState();
        int cur = s;
        while (c.more()) {
            char ch = c.peek();
            if (inBraces && (ch == ',' || ch == '}')) break;
            int[] atom;
            if (ch == '{') {
                c.i++;
                atom = parseAlternatives(c, true);
                if (c.more() && c.peek() == '}') c.i++;
            } else if (ch == '*') {
                c.i++;
                boolean twice = c.more() && c.peek() == '*';
                if (twice) {
                    while (c.more() && c.peek() == '*') c.i++;
                }
                atom = star(twice ? ANY : ANY_BUT_SLASH);
            } else if (ch == '?') {
                c.i++;
                atom = single(ANY_BUT_SLASH);
            } else if (ch == '[') {
                int close = GlobSyntax.classEnd(c.p, c.i);
                atom = single(charClass(c.p.substring(c.i + 1, close)));
                c.i = close + 1;
            } else {
                if (ch == '\\' && c.i + 1 < c.p.length()) c.i++;
                char lit = c.p.charAt(c.i++);
                atom = single(new int[] {lit, lit});
            }
            eps(cur, atom[0]);
            cur = atom[1];
        }
        return new int[] {s, cur};
    }

    private int[] single(int[] ranges) {
        int s = newState(), e = newState();
        edges.add(new Edge(s, ranges, e));
        return new int[] {s, e};
    }

    private int[] star(int[] ranges) {
        int s = newState(), e = newState();
        edges.add(new Edge(s, ranges, s));
        eps(s, e);
        return new int[] {s, e};
    }

    /** The body of {@code [...]}: ranges, '!' or '^' negation; never matches '/'. */
    private static int[] charClass(String body) {
        boolean negate = !body.isEmpty() && (body.charAt(0) == '!' || body.charAt(0) == '^');
        int i = negate ? 1 : 0;
        boolean[] in = new boolean[0x10000];
        while (i < body.length()) {
            char lo = body.charAt(i);
            if (lo == '\\' && i + 1 < body.length()) lo = body.charAt(++i);
            char hi = lo;
            if (i + 2 < body.length() && body.charAt(i + 1) == '-') {
                hi = body.charAt(i + 2);
                if (hi == '\\' && i + 3 < body.length()) hi = body.charAt(++i + 2);
                i += 2;
            }
            for (int c = lo; c <= hi; c++) in[c] = true;
            i++;
        }
        if (negate) for (int c = 0; c < in.length; c++) in[c] = !in[c];
        in['/'] = false;
        List<Integer> r = new ArrayList<>();
        for (int c = 0; c < in.length; c++) {
            if (in[c] && (c == 0 || !in[c - 1])) r.add(c);
            if (in[c] && (c == 0xFFFF || !in[c + 1])) r.add(c);
        }
        return r.stream().mapToInt(Integer::intValue).toArray();
    }
}
