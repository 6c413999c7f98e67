package dev.palisade.kernel.lsm;

/** Constants of bpf/src/main/bpf/include/palisade_enforcer.h, the BPF-LSM enforcer's map ABI. */
final class EnforcerAbi {
    private EnforcerAbi() {}

    // enum palisade_rule_kind
    static final int RK_CONFIG = 0, RK_PROCESS_PATH = 1, RK_PROCESS_DIR = 2, RK_PROCESS_NAME = 3, RK_FILE_PATH = 4,
            RK_FILE_DIR = 5, RK_NETWORK = 6, RK_CAPABILITY = 7;

    // enum palisade_op_class
    static final int OP_PROCESS = 0, OP_FILE = 1, OP_NETWORK = 2, OP_CAPABILITIES = 3;

    // enum palisade_outcome_bits
    static final int OUT_VERDICT_MASK = 0x00ffffff, OUT_DECIDED = 0x20000000, OUT_ALERT = 0x40000000, OUT_DENY = 0x80000000;

    // enum palisade_condition
    static final int COND_CHILD = 1, COND_TTY = 2, COND_OWNER = 4, COND_WRITE = 8;

    // enum palisade_ruleset_flags
    static final int RS_SOURCED_PROCESS = 1, RS_SOURCED_FILE = 2, RS_SOURCED_NETWORK = 4, RS_SOURCED_CAPABILITIES = 8,
            RS_ACTIVE_PROCESS = 16, RS_ACTIVE_FILE = 32, RS_ACTIVE_NETWORK = 64, RS_ACTIVE_CAPABILITIES = 128,
            RS_PROCESS_NAMES = 256, RS_FILE_READONLY = 512;

    /** enum palisade_net_name by KubeArmor's socket names (dev.palisade.policy.match.SocketNames). */
    static int netName(String name) {
        return switch (name) {
            case "stream" -> 1;
            case "dgram" -> 2;
            case "raw" -> 3;
            case "rdm" -> 4;
            case "seqpacket" -> 5;
            case "dccp" -> 6;
            case "packet" -> 7;
            case "tcp" -> 8;
            case "udp" -> 9;
            case "icmp" -> 10;
            case "icmpv6" -> 11;
            case "sctp" -> 12;
            case "all" -> 13;
            default -> 0;
        };
    }

    // struct palisade_rule_key: hash u64, source u64, length u32, kind u32
    static final long KEY_SIZE = 24;
    // struct palisade_rule_value: check u64, outcome[16] u32
    static final long VALUE_SIZE = 72;
    // struct palisade_ruleset_config (inside a value): reserved0 u64, miss[4] u32, generation, flags, max_slashes[2]
    static final long CFG_MISS = 8, CFG_GENERATION = 24, CFG_FLAGS = 28, CFG_MAX_SLASHES = 32;
    // struct palisade_enforcer_config: seed[2] u64, wakeup_threshold u64, host_mnt_ns, host_rules, agent_tgid, reserved
    static final long ENFORCER_CONFIG_SIZE = 40;
}
