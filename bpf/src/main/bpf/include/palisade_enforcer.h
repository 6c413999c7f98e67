/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The BPF-LSM enforcer's maps, as the Java side (dev.palisade.kernel.lsm) fills them. The Java layouts are
 * checked against the BTF of enforcer.bpf.o by a test; change both together.
 *
 * One rules map per protected container (and one for the host), held in the `rules` hash-of-maps under the
 * container's cgroup v2 id (0: the host). Java builds a container's whole map aside and swaps it in with one
 * update of `rules`, so a decision sees either the old rule set or the new one, never a mix.
 *
 * Keys name a resource by two keyed 64-bit FNV-1a hashes of its bytes (seeds chosen at random by the agent at
 * start, never shown to workloads): `hash` is part of the key, `check` (the second hash, mixed with the
 * source's) is stored in the value and compared on every hit, together with the length in the key. A wrong
 * match needs both hashes and the length to collide at once.
 */
#ifndef PALISADE_ENFORCER_H
#define PALISADE_ENFORCER_H

#include <linux/types.h>

#define PALISADE_FNV_OFFSET 0xcbf29ce484222325ULL
#define PALISADE_FNV_PRIME 0x100000001b3ULL
/* check = h2(resource) ^ (h2(source) * PALISADE_CHECK_MIX); a rule for any source has h2(source) = 0 */
#define PALISADE_CHECK_MIX 0x9e3779b97f4a7c15ULL

/* Longest path the enforcer decides on (PATH_MAX); bpf_d_path and the dentry walk fail beyond it. */
#define PALISADE_ENFORCE_PATH_MAX 4096

enum palisade_rule_kind {
	PALISADE_RK_CONFIG = 0,         /* the rule set's palisade_ruleset_config (hash, source, length 0) */
	PALISADE_RK_PROCESS_PATH = 1,   /* exact path of an executable */
	PALISADE_RK_PROCESS_DIR = 2,    /* directory of executables, with its trailing '/' */
	PALISADE_RK_PROCESS_NAME = 3,   /* last path component of an executable */
	PALISADE_RK_FILE_PATH = 4,
	PALISADE_RK_FILE_DIR = 5,
	PALISADE_RK_NETWORK = 6,        /* hash: enum palisade_net_name, length 0 */
	PALISADE_RK_CAPABILITY = 7,     /* hash: capability number + 1, length 0 */
};

/* The socket names network rules use (KubeArmor's): types, protocols and "all". */
enum palisade_net_name {
	PALISADE_NET_STREAM = 1,
	PALISADE_NET_DGRAM = 2,
	PALISADE_NET_RAW = 3,
	PALISADE_NET_RDM = 4,
	PALISADE_NET_SEQPACKET = 5,
	PALISADE_NET_DCCP = 6,
	PALISADE_NET_PACKET = 7,
	PALISADE_NET_TCP = 8,
	PALISADE_NET_UDP = 9,
	PALISADE_NET_ICMP = 10,
	PALISADE_NET_ICMPV6 = 11,
	PALISADE_NET_SCTP = 12,
	PALISADE_NET_ALL = 13,
};

/* Operation classes, as indices of palisade_ruleset_config.miss. */
enum palisade_op_class {
	PALISADE_OP_PROCESS = 0,
	PALISADE_OP_FILE = 1,
	PALISADE_OP_NETWORK = 2,
	PALISADE_OP_CAPABILITIES = 3,
};

/*
 * An outcome is what one key decides under one combination of conditions: 0 when no rule of the key applies
 * (the lookup goes on to the next key), else DECIDED plus DENY / ALERT and the index of the verdict in the rule
 * set's verdict table (Java maps it back to policy, severity, tags and message). Index 0 is "unmatched":
 * passes silently.
 */
enum palisade_outcome_bits {
	PALISADE_OUT_VERDICT_MASK = 0x00ffffff,
	PALISADE_OUT_DECIDED = 0x20000000,
	PALISADE_OUT_ALERT = 0x40000000,
	PALISADE_OUT_DENY = 0x80000000,
};

/* Bits of the index into palisade_rule_value.outcome: the conditions a rule may depend on. */
enum palisade_condition {
	PALISADE_COND_CHILD = 1,   /* the path is a direct child of the directory key (always set for other keys) */
	PALISADE_COND_TTY = 2,     /* the task has a controlling terminal */
	PALISADE_COND_OWNER = 4,   /* the task's uid owns the file (always set for network and capabilities) */
	PALISADE_COND_WRITE = 8,   /* the file is opened (or written) for writing */
};

struct palisade_rule_key {
	__u64 hash;      /* h1 of the resource bytes; network name or capability number */
	__u64 source;    /* h1 of the source executable's path, 0 for any source */
	__u32 length;    /* bytes of the resource, 0 for network and capability keys */
	__u32 kind;      /* enum palisade_rule_kind */
};

struct palisade_rule_value {
	__u64 check;             /* h2(resource) ^ h2(source) * PALISADE_CHECK_MIX, 0 for the config entry */
	__u32 outcome[16];       /* by enum palisade_condition bits */
};

/* Flags of palisade_ruleset_config.flags */
enum palisade_ruleset_flags {
	PALISADE_RS_SOURCED_PROCESS = 1,      /* some process rule has fromSource: resolve the parent's executable */
	PALISADE_RS_SOURCED_FILE = 2,
	PALISADE_RS_SOURCED_NETWORK = 4,
	PALISADE_RS_SOURCED_CAPABILITIES = 8,
	PALISADE_RS_ACTIVE_PROCESS = 16,      /* the class has rules or a posture: decide it at all */
	PALISADE_RS_ACTIVE_FILE = 32,
	PALISADE_RS_ACTIVE_NETWORK = 64,
	PALISADE_RS_ACTIVE_CAPABILITIES = 128,
	PALISADE_RS_PROCESS_NAMES = 256,      /* exec-name rules exist */
	PALISADE_RS_FILE_READONLY = 512,      /* an outcome of a file key depends on writing: check writes on open files */
};

/* The value of the PALISADE_RK_CONFIG key: same size as palisade_rule_value. */
struct palisade_ruleset_config {
	__u64 reserved0;
	__u32 miss[4];           /* outcome when nothing matches, by enum palisade_op_class (never 0) */
	__u32 generation;        /* copied into events: the verdict table the indices belong to */
	__u32 flags;             /* enum palisade_ruleset_flags */
	__u32 max_slashes[2];    /* most '/' in a directory key: [0] process, [1] file (0: no directory rules) */
	__u32 reserved[6];
};

/* The enforcer's `config` array map (one entry), written by the agent before the programs attach. */
struct palisade_enforcer_config {
	__u64 seed[2];           /* FNV offset basis of h1 and h2 is PALISADE_FNV_OFFSET ^ seed[i] */
	__u64 wakeup_threshold;  /* as palisade_monitor_config.wakeup_threshold */
	__u32 host_mnt_ns;       /* mount namespace inode of the host */
	__u32 host_rules;        /* 1: tasks of the host mount namespace outside every container use rules[0] */
	__u32 agent_tgid;        /* never judged: the agent itself */
	__u32 reserved;
};

/* Per-CPU counters of the `stats` map, by index. */
enum palisade_enforcer_stat {
	PALISADE_STAT_DECISIONS = 0,
	PALISADE_STAT_DENIALS = 1,
	PALISADE_STAT_EVENTS = 2,
	PALISADE_STAT_CHECK_MISMATCH = 3,   /* a key's hash matched and its check did not: a collision, treated as no match */
	PALISADE_STAT_PATH_ERRORS = 4,      /* a path could not be resolved (too long, unreachable): decided as unmatched */
	PALISADE_STAT_COUNT = 5,
};

/*
 * The context of the `palisade_decide` test program (BPF_PROG_TEST_RUN, program type syscall): runs the very
 * decision code of the LSM hooks on given inputs, so tests can compare it with the user-space matcher on
 * kernels that cannot attach LSM programs.
 */
struct palisade_decide_request {
	__u64 cgroup_id;         /* key of the rules map */
	__u32 op_class;          /* enum palisade_op_class */
	__u32 conditions;        /* PALISADE_COND_TTY | PALISADE_COND_OWNER (others are derived) */
	__s32 family;
	__s32 type;
	__s32 protocol;
	__s32 capability;
	__u32 path_len;          /* bytes of path (no NUL) */
	__u32 source_len;        /* bytes of source, 0: unknown source */
	/* out */
	__u64 outcome;           /* outcome without a write | outcome with a write << 32; 0 when no rule set */
	__u64 path_hash[2];      /* h1, h2 of path */
	__u64 source_hash[2];    /* h1, h2 of source */
	char path[PALISADE_ENFORCE_PATH_MAX];
	char source[PALISADE_ENFORCE_PATH_MAX];
};

#endif
