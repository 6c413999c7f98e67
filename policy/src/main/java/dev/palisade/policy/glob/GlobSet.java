package dev.palisade.policy.glob;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Many globs matched at once. The globs are compiled together into one deterministic automaton over a compressed
 * alphabet, so matching a path costs one table step per character, however many patterns there are, and
 * allocates nothing. Each accepting state carries a payload computed once from the set of patterns that match
 * there. Should the automaton grow past {@link #MAX_STATES} (pathological globs), matching falls back to testing
 * each pattern in turn.
 *
 * @param <T> what a match returns, e.g. the merged rules of the matching patterns
 */
public final class GlobSet<T> {
    public static final int MAX_STATES = 50_000;
    private static final int DEAD = -1;

    private final int[] boundaries;     // class k covers [boundaries[k], boundaries[k+1])
    private final int[] asciiClass;     // class of each char < 128, looked up without a search
    private final int classes;
    private final int[] transitions;    // state * classes + class -> state or DEAD
    private final Object[] accept;      // per state: payload or null
    // fallback when the automaton is too large
    private final Pattern[] regexes;
    private final Function<int[], T> merge;

    @SuppressWarnings("unchecked")
    public GlobSet(List<String> patterns, Function<int[], T> merge) {
        this.merge = merge;
        GlobNfa nfa = GlobNfa.of(patterns);
        // Alphabet compression: split the code-unit range at every edge boundary.
        TreeSet<Integer> cuts = new TreeSet<>();
        cuts.add(0);
        cuts.add(0x10000);
        for (GlobNfa.Edge e : nfa.edges) {
            for (int i = 0; i < e.ranges().length; i += 2) {
                cuts.add(e.ranges()[i]);
                cuts.add(e.ranges()[i + 1] + 1);
            }
        }
        boundaries = cuts.stream().mapToInt(Integer::intValue).toArray();
        classes = boundaries.length - 1;
        asciiClass = new int[128];
        for (int c = 0; c < 128; c++) asciiClass[c] = searchClass(c);

        // Edges as class sets.
        List<List<int[]>> out = new ArrayList<>(); // per NFA state: list of {classFrom, classTo(incl), target}
        for (int s = 0; s < nfa.states(); s++) out.add(new ArrayList<>());
        for (GlobNfa.Edge e : nfa.edges) {
            for (int i = 0; i < e.ranges().length; i += 2) {
                out.get(e.from()).add(new int[] {searchClass(e.ranges()[i]), searchClass(e.ranges()[i + 1]), e.to()});
            }
        }

        Map<String, Integer> ids = new HashMap<>();
        List<int[]> sets = new ArrayList<>();
        int[] trans = new int[Math.max(16, classes * 16)];
        ArrayDeque<Integer> work = new ArrayDeque<>();
        int[] start = closure(nfa, new int[] {nfa.start});
        ids.put(Arrays.toString(start), 0);
        sets.add(start);
        work.add(0);
        boolean tooLarge = false;
        while (!work.isEmpty() && !tooLarge) {
            int d = work.poll();
            int[] set = sets.get(d);
            for (int cls = 0; cls < classes; cls++) {
                BitSet next = new BitSet();
                for (int s : set) {
                    for (int[] edge : out.get(s)) if (cls >= edge[0] && cls <= edge[1]) next.set(edge[2]);
                }
                int target = DEAD;
                if (!next.isEmpty()) {
                    int[] closed = closure(nfa, next.stream().toArray());
                    String key = Arrays.toString(closed);
                    Integer id = ids.get(key);
                    if (id == null) {
                        id = sets.size();
                        if (id >= MAX_STATES) {
                            tooLarge = true;
                            break;
                        }
                        ids.put(key, id);
                        sets.add(closed);
                        work.add(id);
                    }
                    target = id;
                }
                int idx = d * classes + cls;
                if (idx >= trans.length) trans = Arrays.copyOf(trans, Math.max(idx + 1, trans.length * 2));
                trans[idx] = target;
            }
        }
        if (tooLarge) {
            transitions = null;
            accept = null;
            regexes = patterns.stream().map(GlobSet::toRegex).map(Pattern::compile).toArray(Pattern[]::new);
        } else {
            transitions = Arrays.copyOf(trans, sets.size() * classes);
            accept = new Object[sets.size()];
            Map<String, Object> payloads = new HashMap<>();
            for (int d = 0; d < sets.size(); d++) {
                TreeSet<Integer> matched = new TreeSet<>();
                for (int s : sets.get(d)) if (nfa.acceptPattern.get(s) >= 0) matched.add(nfa.acceptPattern.get(s));
                if (!matched.isEmpty()) {
                    int[] m = matched.stream().mapToInt(Integer::intValue).toArray();
                    accept[d] = payloads.computeIfAbsent(Arrays.toString(m), k -> merge.apply(m));
                }
            }
            regexes = null;
        }
    }

    /** Number of automaton states, or -1 when matching falls back to one pattern at a time. */
    public int states() {
        return accept == null ? -1 : accept.length;
    }

    /** The payload for the patterns matching all of {@code s}, or null when none does. */
    @SuppressWarnings("unchecked")
    public T match(String s) {
        if (transitions == null) return fallback(s);
        int state = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            int cls = c < 128 ? asciiClass[c] : searchClass(c);
            state = transitions[state * classes + cls];
            if (state == DEAD) return null;
        }
        return (T) accept[state];
    }

    private T fallback(String s) {
        List<Integer> m = new ArrayList<>();
        for (int i = 0; i < regexes.length; i++) if (regexes[i].matcher(s).matches()) m.add(i);
        return m.isEmpty() ? null : merge.apply(m.stream().mapToInt(Integer::intValue).toArray());
    }

    private int searchClass(int c) {
        int i = Arrays.binarySearch(boundaries, c);
        return i >= 0 ? i : -i - 2;
    }

    private static int[] closure(GlobNfa nfa, int[] states) {
        BitSet seen = new BitSet();
        ArrayDeque<Integer> stack = new ArrayDeque<>();
        for (int s : states) if (!seen.get(s)) {
            seen.set(s);
            stack.push(s);
        }
        while (!stack.isEmpty()) {
            for (int t : nfa.epsilon.get(stack.pop())) {
                if (!seen.get(t)) {
                    seen.set(t);
                    stack.push(t);
                }
            }
        }
        return seen.stream().toArray();
    }

    /** The same language as a java.util.regex, for the fallback and for tests. */
    public static String toRegex(String glob) {
        StringBuilder b = new StringBuilder();
        int braces = 0;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                        while (i + 1 < glob.length() && glob.charAt(i + 1) == '*') i++;
                        b.append("[\\s\\S]*");
                    } else {
                        b.append("[^/]*");
                    }
                }
                case '?' -> b.append("[^/]");
                case '[' -> {
                    int close = GlobSyntax.classEnd(glob, i);
                    String body = glob.substring(i + 1, close);
                    boolean neg = !body.isEmpty() && (body.charAt(0) == '!' || body.charAt(0) == '^');
                    if (neg) body = body.substring(1);
                    StringBuilder cls = new StringBuilder();
                    for (int k = 0; k < body.length(); k++) {
                        char x = body.charAt(k);
                        if (x == '\\' && k + 1 < body.length()) x = body.charAt(++k);
                        if (x == '-' && k > 0 && k + 1 < body.length()) cls.append('-');
                        else cls.append(String.format("\\x{%x}", (int) x));
                    }
                    b.append(neg ? "(?:(?!/)[^" + cls + "])" : "(?:(?!/)[" + cls + "])");
                    i = close;
                }
                case '{' -> {
                    braces++;
                    b.append("(?:");
                }
                case '}' -> {
                    if (braces > 0) {
                        braces--;
                        b.append(')');
                    } else {
                        b.append("\\}");
                    }
                }
                case ',' -> b.append(braces > 0 ? "|" : ",");
                case '\\' -> {
                    if (i + 1 < glob.length()) b.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
                }
                default -> b.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return b.toString();
    }
}
