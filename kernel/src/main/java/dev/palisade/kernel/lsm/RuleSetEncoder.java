package dev.palisade.kernel.lsm;

import static dev.palisade.kernel.lsm.EnforcerAbi.*;

import dev.palisade.policy.compile.CompiledRule;
import dev.palisade.policy.compile.OperationClass;
import dev.palisade.policy.compile.ResourceKind;
import dev.palisade.policy.compile.RuleSet;
import dev.palisade.policy.compile.Verdict;
import dev.palisade.policy.match.Capabilities;
import dev.palisade.policy.match.KeyDecision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a compiled rule set into the entries of one BPF-LSM rules map (palisade_enforcer.h). Pure: no kernel.
 *
 * <p>Every key (operation, kind, resource, source) becomes one entry whose value holds, for each of the 16
 * combinations of conditions (direct child, terminal, owner, write), what the key's rules decide
 * ({@link KeyDecision}, the matcher's own step), so the kernel hashes, looks up and picks, and the first-hit order
 * is the matcher's. Verdicts are numbered; events carry the number back to policy name, severity, tags and message.
 *
 * <p>Not in the kernel: glob patterns (listed in {@link Encoded#notInKernel}; the user-space matcher still reports
 * them) and allowed arguments (the kernel does not read argv: an Allow rule with allowedArgs gets the posture, a
 * Block or Audit one acts).
 */
public final class RuleSetEncoder {
    private final PathHash hash;

    public RuleSetEncoder(PathHash hash) {
        this.hash = hash;
    }

    /** One rules-map entry. */
    public record Entry(long hash, long source, int length, int kind, long check, int[] outcome) {
        public Entry {
            outcome = outcome.clone();
        }
    }

    /**
     * @param verdicts   index to verdict; 0 is {@link Verdict#UNMATCHED}
     * @param miss       outcome when nothing matches, by class (process, file, network, capabilities)
     * @param maxSlashes most '/' in a directory key: [0] process, [1] file
     */
    public record Encoded(List<Entry> entries, List<Verdict> verdicts, int[] miss, int flags, int[] maxSlashes,
                          List<CompiledRule> notInKernel) {}

    private record Key(OperationClass operation, int kind, String resource, String source) {}

    public Encoded encode(RuleSet rules) {
        Map<Verdict, Integer> numbers = new HashMap<>();
        List<Verdict> verdicts = new ArrayList<>();
        numbers.put(Verdict.UNMATCHED, 0);
        verdicts.add(Verdict.UNMATCHED);
        java.util.function.Function<Verdict, Integer> number = v -> numbers.computeIfAbsent(v, x -> {
            verdicts.add(x);
            return verdicts.size() - 1;
        });

        Map<Key, List<CompiledRule>> keys = new LinkedHashMap<>();
        List<CompiledRule> notInKernel = new ArrayList<>();
        int flags = 0;
        int[] maxSlashes = new int[2];
        for (CompiledRule r : rules.rules()) {
            int kind = kindOf(r);
            if (kind < 0) {
                notInKernel.add(r);
                continue;
            }
            keys.computeIfAbsent(new Key(r.operation(), kind, r.resource(), r.source()), k -> new ArrayList<>()).add(r);
            if (r.source() != null) flags |= sourcedFlag(r.operation());
            flags |= activeFlag(r.operation());
            if (kind == RK_PROCESS_NAME) flags |= RS_PROCESS_NAMES;
            if (kind == RK_PROCESS_DIR || kind == RK_FILE_DIR) {
                int i = kind == RK_PROCESS_DIR ? 0 : 1;
                maxSlashes[i] = Math.max(maxSlashes[i], (int) r.resource().chars().filter(c -> c == '/').count());
            }
        }
        int[] miss = new int[4];
        for (OperationClass c : OperationClass.values()) {
            Verdict m = Objects.requireNonNullElse(rules.miss(c), Verdict.UNMATCHED);
            miss[opIndex(c)] = outcome(m, number);
            if (rules.mode(c) != null && rules.mode(c).leastPermissive()) flags |= activeFlag(c);
        }

        List<Entry> entries = new ArrayList<>(keys.size());
        for (Map.Entry<Key, List<CompiledRule>> e : keys.entrySet()) {
            Key k = e.getKey();
            Verdict classMiss = Objects.requireNonNullElse(rules.miss(k.operation()), Verdict.UNMATCHED);
            int[] outcome = new int[16];
            for (int cond = 0; cond < 16; cond++) {
                Verdict v = KeyDecision.decide(e.getValue(), (cond & COND_CHILD) != 0, (cond & COND_TTY) != 0,
                        (cond & COND_OWNER) != 0, (cond & COND_WRITE) != 0, classMiss);
                outcome[cond] = v == null ? 0 : outcome(v, number);
            }
            if (k.operation() == OperationClass.FILE) {
                for (int cond = 0; cond < 8; cond++) if (outcome[cond] != outcome[cond | COND_WRITE]) flags |= RS_FILE_READONLY;
            }
            entries.add(entry(k, outcome));
        }
        return new Encoded(List.copyOf(entries), List.copyOf(verdicts), miss, flags, maxSlashes, List.copyOf(notInKernel));
    }

    private Entry entry(Key k, int[] outcome) {
        long h2Source = k.source() == null ? 0 : hash.h2(PathHash.utf8(k.source()));
        long source = k.source() == null ? 0 : hash.h1(PathHash.utf8(k.source()));
        return switch (k.kind()) {
            case RK_NETWORK -> new Entry(netName(k.resource()), source, 0, k.kind(), PathHash.check(0, h2Source), outcome);
            case RK_CAPABILITY -> new Entry(Capabilities.number(k.resource()) + 1L, source, 0, k.kind(),
                    PathHash.check(0, h2Source), outcome);
            default -> {
                byte[] bytes = PathHash.utf8(k.resource());
                yield new Entry(hash.h1(bytes), source, bytes.length, k.kind(), PathHash.check(hash.h2(bytes), h2Source), outcome);
            }
        };
    }

    static int outcome(Verdict v, java.util.function.Function<Verdict, Integer> number) {
        int o = OUT_DECIDED | (number.apply(v) & OUT_VERDICT_MASK);
        if (v.alert()) o |= OUT_ALERT;
        if (v.denied()) o |= OUT_DENY;
        return o;
    }

    /** The rule kind of a rule's key, or -1 when the kernel cannot decide it. */
    static int kindOf(CompiledRule r) {
        return switch (r.operation()) {
            case PROCESS -> switch (r.kind()) {
                case PATH -> RK_PROCESS_PATH;
                case DIRECTORY -> RK_PROCESS_DIR;
                case EXEC_NAME -> RK_PROCESS_NAME;
                default -> -1;
            };
            case FILE -> switch (r.kind()) {
                case PATH -> RK_FILE_PATH;
                case DIRECTORY -> RK_FILE_DIR;
                default -> -1;
            };
            case NETWORK -> netName(r.resource()) > 0 ? RK_NETWORK : -1;
            case CAPABILITIES -> {
                int n = Capabilities.number(r.resource());
                yield n >= 0 && n < 64 ? RK_CAPABILITY : -1;
            }
        };
    }

    static int opIndex(OperationClass c) {
        return switch (c) {
            case PROCESS -> OP_PROCESS;
            case FILE -> OP_FILE;
            case NETWORK -> OP_NETWORK;
            case CAPABILITIES -> OP_CAPABILITIES;
        };
    }

    private static int sourcedFlag(OperationClass c) {
        return RS_SOURCED_PROCESS << opIndex(c);
    }

    private static int activeFlag(OperationClass c) {
        return RS_ACTIVE_PROCESS << opIndex(c);
    }
}
