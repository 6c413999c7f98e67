// SPDX-License-Identifier: GPL-2.0-only
/*
 * Palisade's BPF-LSM enforcer: decides exec, file open, writes on open files, socket creation and connection,
 * and capability use for the tasks of protected containers (their cgroup v2 id is a key of `rules`) and, when
 * host rules are set, for the host's own tasks; every other task costs one hash lookup and is left alone.
 *
 * The decision is the user-space matcher's (dev.palisade.policy.match.Matcher), first hit wins:
 *   exact path + source, directories + source (deepest), exact path, exec name, directories (deepest), miss.
 * What the rules of one key decide under each combination of conditions (direct child, tty, owner, write) is
 * precomputed by Java into the key's value, so the kernel only hashes, looks up and picks. Paths are hashed in
 * one pass over the bytes (bpf_loop, up to PATH_MAX) with the hash of every directory prefix looked up at its
 * '/'. A denial returns -EACCES; denials, audits and posture misses are reported on `enforcement_events`.
 *
 * palisade_decide (program type syscall, run with BPF_PROG_TEST_RUN) runs the same decision code on given
 * inputs: tests compare it with the matcher on kernels where LSM programs cannot attach. The agent never
 * loads it.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "palisade_kernel_types.h"
#include "palisade_event.h"
#include "palisade_ring.h"
#include "palisade_enforcer.h"

char LICENSE[] SEC("license") = "GPL";

PALISADE_DECLARE_ABI_INFO;

/* BTF for the Java layout test: the map key/value structs are used through pointers only otherwise. */
const volatile struct {
	struct palisade_rule_key key;
	struct palisade_rule_value value;
	struct palisade_ruleset_config ruleset;
	struct palisade_enforcer_config config;
	struct palisade_decide_request request;
	enum palisade_rule_kind kind;
	enum palisade_net_name net;
	enum palisade_op_class op;
	enum palisade_outcome_bits outcome;
	enum palisade_condition condition;
	enum palisade_ruleset_flags flags;
	enum palisade_enforcer_stat stat;
} palisade_enforcer_abi;

#define EACCES 13
#define FMODE_WRITE 0x2
#define MAY_WRITE 0x2
#define MAY_APPEND 0x8
#define S_IFMT 0170000
#define S_IFREG 0100000
#define SOCK_TYPE_MASK 0xf
#define AF_PACKET 17
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_RDM 4
#define SOCK_SEQPACKET 5
#define SOCK_DCCP 6
#define SOCK_PACKET 10
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_DCCP 33
#define IPPROTO_ICMPV6 58
#define IPPROTO_SCTP 132
#define IPPROTO_RAW 255
#define MAX_PID_NS_LEVEL 32

#define PATH_MAX PALISADE_ENFORCE_PATH_MAX
#define PATH_MASK (PATH_MAX - 1)
#define DATA_MASK (PALISADE_ENFORCEMENT_DATA_LEN - 1)
#define WALK_LEN 8192
#define NAME_MASK 255
#define EVENT_DATA_OFFSET __builtin_offsetof(struct palisade_enforcement_event, data)

/* ------------------------------------------------------------------ maps */

/* The template of a container's rules map; Java creates the real ones with the same sizes and flags. */
struct rules_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(struct palisade_rule_key));
	__uint(value_size, sizeof(struct palisade_rule_value));
};

/* cgroup v2 id (0: the host) -> that workload's rules map */
struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__array(values, struct rules_map);
} rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct palisade_enforcer_config);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);   /* the loader may resize it before load */
} enforcement_events SEC(".maps");

PALISADE_RING_LOSS_MAP(enforcement_events_lost);

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PALISADE_STAT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

/*
 * Per-CPU work area: the event under construction (its data holds the resource path, then the source path)
 * and the buffer dentry walks build paths in, right to left.
 */
/* One key to look up, and what it decides (0: absent, or no rule of it applies). */
struct probe {
	__u64 hash;
	__u64 source;
	__u64 check;
	__u32 length;
	__u32 kind;          /* 0: skip */
	__u32 conditions;
	__u32 reserved;
	__u64 pair;
};

#define MAX_PROBES 8

struct scan;
struct walk;

struct scratch_area {
	struct palisade_enforcement_event ev;
	char walk[WALK_LEN];
	struct probe probes[MAX_PROBES];
	char scan[256];     /* struct scan */
	char walker[64];    /* struct walk */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch_area);
} scratch SEC(".maps");

static __always_inline void count(__u32 stat)
{
	__u64 *c = bpf_map_lookup_elem(&stats, &stat);

	if (c)
		*c += 1;   /* per CPU: no other writer */
}

static __always_inline struct palisade_enforcer_config *enforcer_config(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&config, &zero);
}

static __always_inline struct scratch_area *scratch_area(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
}

/* ------------------------------------------------------------------ rule lookups */

static __always_inline __u64 check_of(__u64 h2, __u64 source_check)
{
	return h2 ^ (source_check * PALISADE_CHECK_MIX);
}

/*
 * The outcomes of a key under the given conditions, without and with a write: low and high half. Deciding
 * both at once lets file_permission act only on what a write changes.
 */
static __always_inline __u64 outcome_pair(struct palisade_rule_value *v, __u32 conditions)
{
	__u32 i = conditions & 7;

	return (__u64)v->outcome[i] | (__u64)v->outcome[i | PALISADE_COND_WRITE] << 32;
}

/* cand where it decides, acc where it does not, each half on its own; branch-free to keep the verifier's paths few. */
static __always_inline __u64 prefer(__u64 acc, __u64 cand)
{
	__u64 lo = cand & 0xffffffffULL, hi = cand >> 32;
	__u64 mlo = -((lo + 0xffffffffULL) >> 32);   /* all ones when lo != 0 */
	__u64 mhi = -((hi + 0xffffffffULL) >> 32);
	__u64 m = (mlo & 0xffffffffULL) | (mhi << 32);

	return (cand & m) | (acc & ~m);
}


/* Looks a key up in a rules map: its outcome pair, 0 when absent or when its check says it is another resource. */
static __always_inline __u64 lookup_pair(void *rules_map, __u32 kind, __u64 hash, __u64 source, __u32 length, __u64 check,
					 __u32 conditions)
{
	struct palisade_rule_key k = { .hash = hash, .source = source, .length = length, .kind = kind };
	struct palisade_rule_value *v = bpf_map_lookup_elem(rules_map, &k);

	if (!v)
		return 0;
	if (v->check != check) {
		count(PALISADE_STAT_CHECK_MISMATCH);
		return 0;
	}
	return outcome_pair(v, conditions);
}

struct probe_run {
	void *rules;
	struct probe *probes;
	__u32 n;
};

static long probe_step(__u32 i, void *ctx)
{
	struct probe_run *r = ctx;

	if (i >= r->n)
		return 1;
	struct probe *p = &r->probes[i & (MAX_PROBES - 1)];
	p->pair = p->kind ? lookup_pair(r->rules, p->kind, p->hash, p->source, p->length, p->check, p->conditions) : 0;
	return 0;
}

static __always_inline void set_probe(struct probe *p, __u32 kind, __u64 hash, __u64 source, __u32 length, __u64 check,
				      __u32 conditions)
{
	p->kind = kind;
	p->hash = hash;
	p->source = source;
	p->length = length;
	p->check = check;
	p->conditions = conditions;
	p->pair = 0;
}

static __always_inline void run_probes(void *rules_map, struct probe *probes, __u32 n)
{
	struct probe_run r = { .rules = rules_map, .probes = probes, .n = n };

	bpf_loop(MAX_PROBES, probe_step, &r, 0);
}

/* ------------------------------------------------------------------ path scan */

struct scan {
	__u32 start;         /* the bytes are ev.data[start .. start + len) of the scratch area */
	__u32 len;
	__u32 dir_kind;      /* rule kind of directory keys; 0: only hash */
	__u32 max_slashes;
	__u32 slashes;
	__u32 conditions;    /* PALISADE_COND_TTY | PALISADE_COND_OWNER */
	__u64 basis1, basis2;
	__u64 src, src_check;   /* source hashes; src 0: no sourced lookups */
	__u64 h1, h2;        /* hashes of the bytes so far */
	__u64 n1, n2;        /* hashes of the current path component */
	__u32 name_len;
	__u32 reserved;
	/* directory keys found at the last '/': their outcomes if it is the path's last '/' (child) or not */
	__u64 pend_src_child, pend_src_other, pend_any_child, pend_any_other;
	/* the deepest directory outcomes so far */
	__u64 dir_src, dir_any;
};

static __always_inline void settle_pending(struct scan *s, int child)
{
	s->dir_src = prefer(s->dir_src, child ? s->pend_src_child : s->pend_src_other);
	s->dir_any = prefer(s->dir_any, child ? s->pend_any_child : s->pend_any_other);
	s->pend_src_child = s->pend_src_other = s->pend_any_child = s->pend_any_other = 0;
}

/* bpf_loop contexts hold only a pointer into the per-CPU scratch area: state kept in a map value is not tracked
 * by value, so the verifier sees every iteration alike instead of walking them one by one. */
struct scan_ref {
	struct scratch_area *a;
	void *rules;
};

static long scan_step(__u32 i, void *ctx)
{
	struct scan_ref *ref = ctx;
	struct scratch_area *a = ref->a;
	struct scan *s = (struct scan *)a->scan;

	if (i >= s->len)
		return 1;
	__u8 c = a->ev.data[(s->start + i) & DATA_MASK];
	s->h1 = (s->h1 ^ c) * PALISADE_FNV_PRIME;
	s->h2 = (s->h2 ^ c) * PALISADE_FNV_PRIME;
	if (c != '/') {
		s->n1 = (s->n1 ^ c) * PALISADE_FNV_PRIME;
		s->n2 = (s->n2 ^ c) * PALISADE_FNV_PRIME;
		s->name_len++;
		return 0;
	}
	s->n1 = s->basis1;
	s->n2 = s->basis2;
	s->name_len = 0;
	if (!s->dir_kind)
		return 0;
	/* a later '/' makes the keys found at the previous one ancestors, not parents */
	settle_pending(s, 0);
	if (++s->slashes > s->max_slashes)
		return 0;
	__u32 cond = s->conditions;
	struct palisade_rule_key k = { .hash = s->h1, .length = i + 1, .kind = s->dir_kind };
	struct palisade_rule_value *v = bpf_map_lookup_elem(ref->rules, &k);
	if (v) {
		if (v->check == s->h2) {
			s->pend_any_child = outcome_pair(v, cond | PALISADE_COND_CHILD);
			s->pend_any_other = outcome_pair(v, cond);
		} else {
			count(PALISADE_STAT_CHECK_MISMATCH);
		}
	}
	if (!s->src)
		return 0;
	k.source = s->src;
	v = bpf_map_lookup_elem(ref->rules, &k);
	if (v) {
		if (v->check == check_of(s->h2, s->src_check)) {
			s->pend_src_child = outcome_pair(v, cond | PALISADE_COND_CHILD);
			s->pend_src_other = outcome_pair(v, cond);
		} else {
			count(PALISADE_STAT_CHECK_MISMATCH);
		}
	}
	return 0;
}

/* Hashes ev.data[start .. start + len) into h1/h2, with directory lookups in rules_map when dir_kind is set. */
static __always_inline void scan_run(struct scratch_area *a, void *rules_map)
{
	struct scan *s = (struct scan *)a->scan;

	s->h1 = s->n1 = s->basis1;
	s->h2 = s->n2 = s->basis2;
	s->name_len = 0;
	s->slashes = 0;
	s->pend_src_child = s->pend_src_other = s->pend_any_child = s->pend_any_other = 0;
	s->dir_src = s->dir_any = 0;
	struct scan_ref ref = { .a = a, .rules = rules_map };
	bpf_loop(PATH_MAX, scan_step, &ref, 0);
}

static __always_inline struct scan *scan_init(struct scratch_area *a, struct palisade_enforcer_config *cfg, __u32 start,
					      __u32 len)
{
	struct scan *s = (struct scan *)a->scan;

	__builtin_memset(s, 0, sizeof(*s));
	s->start = start;
	s->len = len;
	s->basis1 = PALISADE_FNV_OFFSET ^ cfg->seed[0];
	s->basis2 = PALISADE_FNV_OFFSET ^ cfg->seed[1];
	return s;
}

/* ------------------------------------------------------------------ decisions */

/* The outcome pair of an exec (op PROCESS) or open (op FILE) of the path in ev.data[0 .. s->len). */
static __always_inline __u64 decide_path(struct scratch_area *a, void *rules_map, struct palisade_ruleset_config *rs,
					 __u32 op)
{
	struct scan *s = (struct scan *)a->scan;
	struct probe *pr = a->probes;
	int process = op == PALISADE_OP_PROCESS;
	__u32 path_kind = process ? PALISADE_RK_PROCESS_PATH : PALISADE_RK_FILE_PATH;
	__u32 dir_kind = process ? PALISADE_RK_PROCESS_DIR : PALISADE_RK_FILE_DIR;
	__u32 max_slashes = rs->max_slashes[process ? 0 : 1];
	__u64 miss = rs->miss[op & 3];
	__u32 child = s->conditions | PALISADE_COND_CHILD;

	s->dir_kind = max_slashes ? dir_kind : 0;
	s->max_slashes = max_slashes;
	scan_run(a, rules_map);
	settle_pending(s, 1);

	/* the directory itself: /etc opened is covered by a rule on /etc/ */
	__u32 itself = 0;
	if (s->dir_kind && s->len && a->ev.data[(s->len - 1) & DATA_MASK] != '/' && s->slashes + 1 <= s->max_slashes)
		itself = dir_kind;
	__u64 dh1 = (s->h1 ^ '/') * PALISADE_FNV_PRIME, dh2 = (s->h2 ^ '/') * PALISADE_FNV_PRIME;
	__u32 names = process && (rs->flags & PALISADE_RS_PROCESS_NAMES) && s->name_len ? PALISADE_RK_PROCESS_NAME : 0;
	__u64 src = s->src, sc = s->src_check;

	set_probe(&pr[0], src ? path_kind : 0, s->h1, src, s->len, check_of(s->h2, sc), child);
	set_probe(&pr[1], path_kind, s->h1, 0, s->len, s->h2, child);
	set_probe(&pr[2], src ? names : 0, s->n1, src, s->name_len, check_of(s->n2, sc), child);
	set_probe(&pr[3], names, s->n1, 0, s->name_len, s->n2, child);
	set_probe(&pr[4], itself, dh1, 0, s->len + 1, dh2, child);
	set_probe(&pr[5], src ? itself : 0, dh1, src, s->len + 1, check_of(dh2, sc), child);
	run_probes(rules_map, pr, 6);

	__u64 dir_any = prefer(s->dir_any, pr[4].pair);
	__u64 dir_src = prefer(s->dir_src, pr[5].pair);
	/* first hit wins: fold from the last step to the first */
	__u64 r = miss | miss << 32;
	r = prefer(r, dir_any);
	r = prefer(r, pr[3].pair);
	r = prefer(r, pr[2].pair);
	r = prefer(r, pr[1].pair);
	r = prefer(r, dir_src);
	r = prefer(r, pr[0].pair);
	return r;
}

static __always_inline __u32 type_name(int type)
{
	switch (type & SOCK_TYPE_MASK) {
	case SOCK_STREAM: return PALISADE_NET_STREAM;
	case SOCK_DGRAM: return PALISADE_NET_DGRAM;
	case SOCK_RAW: return PALISADE_NET_RAW;
	case SOCK_RDM: return PALISADE_NET_RDM;
	case SOCK_SEQPACKET: return PALISADE_NET_SEQPACKET;
	case SOCK_DCCP: return PALISADE_NET_DCCP;
	case SOCK_PACKET: return PALISADE_NET_PACKET;
	}
	return 0;
}

/* KubeArmor's protocol naming: a stream socket with protocol 0 is tcp and a datagram socket udp, any family. */
static __always_inline __u32 protocol_name(int family, int type, int protocol)
{
	int t = type & SOCK_TYPE_MASK;

	if (family == AF_PACKET)
		return PALISADE_NET_PACKET;
	if (t == SOCK_STREAM && (protocol == IPPROTO_TCP || protocol == 0))
		return PALISADE_NET_TCP;
	if (t == SOCK_DGRAM && (protocol == IPPROTO_UDP || protocol == 0))
		return PALISADE_NET_UDP;
	if (protocol == IPPROTO_ICMP && (t == SOCK_DGRAM || t == SOCK_RAW))
		return PALISADE_NET_ICMP;
	if (protocol == IPPROTO_ICMPV6 && (t == SOCK_DGRAM || t == SOCK_RAW))
		return PALISADE_NET_ICMPV6;
	if ((t == SOCK_STREAM || t == SOCK_SEQPACKET) && (protocol == IPPROTO_SCTP || protocol == 0))
		return PALISADE_NET_SCTP;
	switch (protocol) {
	case IPPROTO_TCP: return PALISADE_NET_TCP;
	case IPPROTO_UDP: return PALISADE_NET_UDP;
	case IPPROTO_ICMP: return PALISADE_NET_ICMP;
	case IPPROTO_ICMPV6: return PALISADE_NET_ICMPV6;
	case IPPROTO_SCTP: return PALISADE_NET_SCTP;
	case IPPROTO_DCCP: return PALISADE_NET_DCCP;
	case IPPROTO_RAW: return PALISADE_NET_RAW;
	}
	return 0;
}

static __always_inline __u64 decide_network(void *rules_map, struct probe *pr, struct palisade_ruleset_config *rs,
					    int family, int type, int protocol, __u64 src, __u64 src_check, __u32 cond)
{
	__u32 t = type_name(type), p = protocol_name(family, type, protocol);
	__u32 k = PALISADE_RK_NETWORK, ks = src ? PALISADE_RK_NETWORK : 0;
	__u64 sc = check_of(0, src_check);
	__u64 miss = rs->miss[PALISADE_OP_NETWORK];

	cond |= PALISADE_COND_CHILD;
	/* first hit wins: with the source by type, protocol, all; then for any source */
	set_probe(&pr[0], t ? ks : 0, t, src, 0, sc, cond);
	set_probe(&pr[1], p ? ks : 0, p, src, 0, sc, cond);
	set_probe(&pr[2], ks, PALISADE_NET_ALL, src, 0, sc, cond);
	set_probe(&pr[3], t ? k : 0, t, 0, 0, 0, cond);
	set_probe(&pr[4], p ? k : 0, p, 0, 0, 0, cond);
	set_probe(&pr[5], k, PALISADE_NET_ALL, 0, 0, 0, cond);
	run_probes(rules_map, pr, 6);
	__u64 r = miss | miss << 32;
	r = prefer(r, pr[5].pair);
	r = prefer(r, pr[4].pair);
	r = prefer(r, pr[3].pair);
	r = prefer(r, pr[2].pair);
	r = prefer(r, pr[1].pair);
	r = prefer(r, pr[0].pair);
	return r;
}

static __always_inline __u64 decide_capability(void *rules_map, struct probe *pr, struct palisade_ruleset_config *rs,
					       int cap, __u64 src, __u64 src_check, __u32 cond)
{
	__u64 miss = rs->miss[PALISADE_OP_CAPABILITIES];
	__u32 k = cap >= 0 && cap < 64 ? PALISADE_RK_CAPABILITY : 0;

	cond |= PALISADE_COND_CHILD;
	/* capability 0 (chown) is key 1: a zero hash reads as "no name" */
	set_probe(&pr[0], src ? k : 0, (__u64)cap + 1, src, 0, check_of(0, src_check), cond);
	set_probe(&pr[1], k, (__u64)cap + 1, 0, 0, 0, cond);
	run_probes(rules_map, pr, 2);
	__u64 r = miss | miss << 32;
	r = prefer(r, pr[1].pair);
	r = prefer(r, pr[0].pair);
	return r;
}

/* ------------------------------------------------------------------ tasks and paths */

struct protection {
	void *rules;
	struct palisade_ruleset_config *rs;
	struct palisade_enforcer_config *cfg;
};

/* The rules the current task is held to: its container's, or the host's for host tasks when host rules exist. */
static __always_inline int protection_of_current(struct protection *p, __u32 active_flag)
{
	__u64 cgroup = bpf_get_current_cgroup_id();

	p->cfg = 0;
	p->rules = bpf_map_lookup_elem(&rules, &cgroup);
	if (!p->rules) {
		struct palisade_enforcer_config *cfg = enforcer_config();
		if (!cfg || !cfg->host_rules)
			return 0;
		if ((bpf_get_current_pid_tgid() >> 32) == cfg->agent_tgid)
			return 0;
		struct task_struct *task = (void *)bpf_get_current_task();
		if (BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum) != cfg->host_mnt_ns)
			return 0;
		__u64 host = 0;
		p->rules = bpf_map_lookup_elem(&rules, &host);
		if (!p->rules)
			return 0;
	}
	struct palisade_rule_key k = { .kind = PALISADE_RK_CONFIG };
	p->rs = bpf_map_lookup_elem(p->rules, &k);
	if (!p->rs || !(p->rs->flags & active_flag))
		return 0;
	p->cfg = enforcer_config();
	return p->cfg != 0;
}

static __always_inline __u32 task_conditions(struct task_struct *task, __u32 owner_uid)
{
	__u32 c = 0;

	if (BPF_CORE_READ(task, signal, tty))
		c |= PALISADE_COND_TTY;
	if ((__u32)bpf_get_current_uid_gid() == owner_uid)
		c |= PALISADE_COND_OWNER;
	return c;
}

struct walk {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	struct dentry *root_dentry;
	struct vfsmount *root_mnt;
	__u32 pos;       /* the path built so far is walk[pos .. PATH_MAX) of the scratch area */
	__u32 status;    /* 0 walking, 1 complete, 2 too long */
};

struct walk_ref {
	struct scratch_area *a;
};

static long walk_step(__u32 i, void *ctx)
{
	struct scratch_area *a = ((struct walk_ref *)ctx)->a;
	struct walk *w = (struct walk *)a->walker;

	if (w->dentry == w->root_dentry && w->vfsmnt == w->root_mnt) {
		w->status = 1;
		return 1;
	}
	/* Kernel pointers in locals: CO-RE relocations must name kernel types only, never our struct walk. */
	struct dentry *dentry = w->dentry;
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct mount *mnt = w->mnt;

	if (dentry == BPF_CORE_READ(vfsmnt, mnt_root)) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);
		if (up == mnt) {   /* top of the mount tree: the file is outside the task's root */
			w->status = 1;
			return 1;
		}
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		w->vfsmnt = (void *)up + bpf_core_field_offset(struct mount, mnt);
		return 0;
	}
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
	if (parent == dentry) {
		w->status = 1;
		return 1;
	}
	__u32 len = BPF_CORE_READ(dentry, d_name.len);
	if (len > NAME_MASK || len + 1 > w->pos) {
		w->status = 2;
		return 1;
	}
	w->pos -= len;
	bpf_probe_read_kernel(a->walk + (w->pos & PATH_MASK), len & NAME_MASK, BPF_CORE_READ(dentry, d_name.name));
	w->pos -= 1;
	a->walk[w->pos & PATH_MASK] = '/';
	w->dentry = parent;
	return 0;
}

/*
 * Writes the path of (dentry, vfsmnt) as the task sees it (relative to its root, like d_path) at
 * a->ev.data[offset ..]; returns its length, 0 when it cannot be resolved. For hooks where bpf_d_path is not
 * allowed, and for executables (of the task or its parent), which no hook hands over.
 */
static __always_inline __u32 walk_path(struct scratch_area *a, __u32 offset, struct dentry *dentry,
				       struct vfsmount *vfsmnt, struct task_struct *task)
{
	if (!dentry || !vfsmnt || offset >= PATH_MAX)
		return 0;
	struct walk *w = (struct walk *)a->walker;
	w->dentry = dentry;
	w->vfsmnt = vfsmnt;
	w->mnt = (void *)vfsmnt - bpf_core_field_offset(struct mount, mnt);
	w->root_dentry = BPF_CORE_READ(task, fs, root.dentry);
	w->root_mnt = BPF_CORE_READ(task, fs, root.mnt);
	w->pos = PATH_MAX;
	w->status = 0;
	struct walk_ref ref = { .a = a };
	bpf_loop(PATH_MAX / 2, walk_step, &ref, 0);
	if (w->status != 1) {
		count(PALISADE_STAT_PATH_ERRORS);
		return 0;
	}
	__u32 pos = w->pos;
	if (pos >= PATH_MAX) {   /* the root itself */
		pos = PATH_MAX - 1;
		a->walk[PATH_MAX - 1] = '/';
	}
	__u32 n = PATH_MAX - pos;
	if (n > PATH_MAX)
		return 0;
	/* the checks above are old news to the verifier after bpf_loop: keep the masks from being optimised away */
	asm volatile("" : "+r"(offset));
	asm volatile("" : "+r"(pos));
	bpf_probe_read_kernel(a->ev.data + (offset & PATH_MASK), n, a->walk + (pos & PATH_MASK));
	return n;
}

static __always_inline __u32 walk_executable(struct scratch_area *a, __u32 offset, struct file *exe, struct task_struct *task)
{
	if (!exe)
		return 0;
	return walk_path(a, offset, BPF_CORE_READ(exe, f_path.dentry), BPF_CORE_READ(exe, f_path.mnt), task);
}

/* ------------------------------------------------------------------ events */

struct upid_view {
	int nr;
	struct pid_namespace *ns;
};

static __always_inline struct upid_view read_upid(struct pid *pid, unsigned int level)
{
	struct upid_view v = {};

	if (!pid || level > MAX_PID_NS_LEVEL)
		return v;
	void *entry = (void *)pid + bpf_core_field_offset(struct pid, numbers) +
		      (__u64)level * bpf_core_type_size(struct upid);
	bpf_probe_read_kernel(&v.nr, sizeof(v.nr), entry + bpf_core_field_offset(struct upid, nr));
	bpf_probe_read_kernel(&v.ns, sizeof(v.ns), entry + bpf_core_field_offset(struct upid, ns));
	return v;
}

static __always_inline void fill_header(struct palisade_event_header *h, __u32 size, struct task_struct *task)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	h->kind = PALISADE_EV_ENFORCEMENT;
	h->abi = PALISADE_EVENT_ABI;
	h->size = size;
	h->timestamp_ns = bpf_ktime_get_boot_ns();
	h->cgroup_id = bpf_get_current_cgroup_id();
	h->pid = pid_tgid >> 32;
	h->tid = (__u32)pid_tgid;
	h->uid = (__u32)uid_gid;
	h->gid = uid_gid >> 32;
	h->reserved = 0;
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);
	h->ppid = BPF_CORE_READ(parent, tgid);
	h->mnt_ns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	struct pid *own = BPF_CORE_READ(task, group_leader, thread_pid);
	unsigned int level = BPF_CORE_READ(own, level);
	struct upid_view mine = read_upid(own, level);
	h->ns_pid = mine.nr;
	struct pid_namespace *pid_ns = mine.ns;
	h->pid_ns = BPF_CORE_READ(pid_ns, ns.inum);
	h->ns_ppid = 0;
	struct pid *theirs = BPF_CORE_READ(parent, group_leader, thread_pid);
	if (theirs && BPF_CORE_READ(theirs, level) >= level) {
		struct upid_view up = read_upid(theirs, level);
		if (up.ns == mine.ns)
			h->ns_ppid = up.nr;
	}
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

/* Sends a->ev with path_len bytes of path and source_len bytes of source in its data. */
static __always_inline void emit(struct scratch_area *a, struct palisade_enforcer_config *cfg, struct task_struct *task,
				 __u32 outcome, __u32 generation, int retval, __u16 hook, __u16 op, __u32 path_len,
				 __u32 source_len, int arg0, int arg1, int arg2)
{
	struct palisade_enforcement_event *e = &a->ev;
	__u64 size = EVENT_DATA_OFFSET + (__u64)path_len + source_len;

	if (size > sizeof(*e))
		size = sizeof(*e);
	/* Older verifiers (6.1) lose the bound above through register copies: hide the value from the compiler, then
	 * mask it, so the verifier sees size < 16 KiB, inside the scratch area's value. */
	asm volatile("" : "+r"(size));
	size &= 0x3fff;
	fill_header(&e->hdr, size, task);
	e->outcome = outcome;
	e->generation = generation;
	e->retval = retval;
	e->hook = hook;
	e->op_class = op;
	e->path_len = path_len;
	e->source_len = source_len;
	e->arg0 = arg0;
	e->arg1 = arg1;
	e->arg2 = arg2;
	e->reserved = 0;
	e->reserved2 = 0;
	if (bpf_ringbuf_output(&enforcement_events, e, size,
			       palisade_wakeup_flags(&enforcement_events, cfg->wakeup_threshold, size)))
		palisade_count_loss(&enforcement_events_lost);
	else
		count(PALISADE_STAT_EVENTS);
}

/* Acts on an outcome: counts, reports what must be reported, returns what the hook returns. */
static __always_inline int conclude(struct scratch_area *a, struct protection *p, struct task_struct *task,
				    __u32 outcome, __u16 hook, __u16 op, __u32 path_len, __u32 source_len,
				    struct file *exe, int source_resolved, int arg0, int arg1, int arg2)
{
	int retval = (outcome & PALISADE_OUT_DENY) ? -EACCES : 0;

	count(PALISADE_STAT_DECISIONS);
	if (retval)
		count(PALISADE_STAT_DENIALS);
	if (outcome & PALISADE_OUT_ALERT) {
		if (!source_resolved)
			source_len = walk_executable(a, path_len, exe, task);
		emit(a, p->cfg, task, outcome, p->rs->generation, retval, hook, op, path_len, source_len, arg0, arg1, arg2);
	}
	return retval;
}

/*
 * Exec and file decisions on the path a->ev.data[0 .. n - 1) (n as bpf_d_path returns it: with the NUL, or
 * -errno). exe: the source executable. write_only_changes: act only where a write changes the outcome.
 */
static __always_inline int enforce_path(struct scratch_area *a, struct protection *p, struct task_struct *task, long n,
					__u32 op, __u16 hook, struct file *exe, __u32 conditions, int write,
					int write_only_changes, int arg0, int arg1)
{
	__u32 path_len = 0, source_len = 0;
	int resolved = 0;
	struct scan *s;

	if (n > 1 && n <= PATH_MAX)
		path_len = n - 1;
	else
		count(PALISADE_STAT_PATH_ERRORS);
	s = scan_init(a, p->cfg, 0, 0);
	__u32 sourced = op == PALISADE_OP_PROCESS ? PALISADE_RS_SOURCED_PROCESS : PALISADE_RS_SOURCED_FILE;
	if (p->rs->flags & sourced) {
		resolved = 1;
		source_len = walk_executable(a, path_len, exe, task);
		if (source_len) {
			s->start = path_len;
			s->len = source_len;
			scan_run(a, p->rules);
			s->src = s->h1;
			s->src_check = s->h2;
		}
	}
	__u64 pair;
	if (path_len) {
		s->start = 0;
		s->len = path_len;
		s->conditions = conditions;
		pair = decide_path(a, p->rules, p->rs, op);
	} else {
		__u64 miss = p->rs->miss[op & 3];
		pair = miss | miss << 32;
	}
	__u32 outcome = write ? pair >> 32 : (__u32)pair;
	if (write_only_changes && outcome == (__u32)pair)
		return 0;
	return conclude(a, p, task, outcome, hook, op, path_len, source_len, exe, resolved, arg0, arg1, 0);
}

/* ------------------------------------------------------------------ hooks */

SEC("lsm/bprm_check_security")
int BPF_PROG(palisade_bprm_check, struct linux_binprm *bprm, int ret)
{
	struct protection p;

	if (ret)
		return ret;
	if (!protection_of_current(&p, PALISADE_RS_ACTIVE_PROCESS))
		return 0;
	struct scratch_area *a = scratch_area();
	if (!a)
		return 0;
	long n = bpf_d_path(&bprm->file->f_path, a->ev.data, PATH_MAX);
	struct task_struct *task = (void *)bpf_get_current_task();
	/* the source of an exec is the executable of the task that asked for it: its parent's */
	struct file *exe = BPF_CORE_READ(task, real_parent, mm, exe_file);
	__u32 cond = task_conditions(task, BPF_CORE_READ(bprm, file, f_inode, i_uid.val));
	return enforce_path(a, &p, task, n, PALISADE_OP_PROCESS, PALISADE_HOOK_BPRM_CHECK, exe, cond, 0, 0, 0, 0);
}

SEC("lsm/file_open")
int BPF_PROG(palisade_file_open, struct file *file, int ret)
{
	struct protection p;

	if (ret)
		return ret;
	if (!protection_of_current(&p, PALISADE_RS_ACTIVE_FILE))
		return 0;
	struct scratch_area *a = scratch_area();
	if (!a)
		return 0;
	long n = bpf_d_path(&file->f_path, a->ev.data, PATH_MAX);
	if (n > 1 && a->ev.data[0] != '/')
		return 0;   /* pipes, sockets, anonymous inodes: not a file system path */
	struct task_struct *task = (void *)bpf_get_current_task();
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);
	unsigned int mode = BPF_CORE_READ(file, f_mode);
	__u32 cond = task_conditions(task, BPF_CORE_READ(file, f_inode, i_uid.val));
	return enforce_path(a, &p, task, n, PALISADE_OP_FILE, PALISADE_HOOK_FILE_OPEN, exe, cond, (mode & FMODE_WRITE) != 0, 0,
			    mode, BPF_CORE_READ(file, f_flags));
}

/*
 * Writes to files opened before the rules came (or handed over by another task): only what the write changes
 * is enforced here (a read-only rule), the rest was decided when the file was opened.
 */
SEC("lsm/file_permission")
int BPF_PROG(palisade_file_permission, struct file *file, int mask, int ret)
{
	struct protection p;

	if (ret)
		return ret;
	if (!(mask & (MAY_WRITE | MAY_APPEND)))
		return 0;
	if (!protection_of_current(&p, PALISADE_RS_ACTIVE_FILE) || !(p.rs->flags & PALISADE_RS_FILE_READONLY))
		return 0;
	if ((BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT) != S_IFREG)
		return 0;
	struct scratch_area *a = scratch_area();
	if (!a)
		return 0;
	struct task_struct *task = (void *)bpf_get_current_task();
	/* bpf_d_path is not allowed in this hook: walk the dentries */
	__u32 len = walk_path(a, 0, BPF_CORE_READ(file, f_path.dentry), BPF_CORE_READ(file, f_path.mnt), task);
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);
	__u32 cond = task_conditions(task, BPF_CORE_READ(file, f_inode, i_uid.val));
	return enforce_path(a, &p, task, len ? (long)len + 1 : -1, PALISADE_OP_FILE, PALISADE_HOOK_FILE_PERMISSION, exe, cond,
			    1, 1, mask, BPF_CORE_READ(file, f_flags));
}

static __always_inline int enforce_socket(struct protection *p, __u16 hook, int family, int type, int protocol)
{
	struct scratch_area *a = scratch_area();

	if (!a)
		return 0;
	struct task_struct *task = (void *)bpf_get_current_task();
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);
	__u32 source_len = 0;
	int resolved = 0;
	struct scan *s;
	s = scan_init(a, p->cfg, 0, 0);
	if (p->rs->flags & PALISADE_RS_SOURCED_NETWORK) {
		resolved = 1;
		source_len = walk_executable(a, 0, exe, task);
		if (source_len) {
			s->len = source_len;
			scan_run(a, p->rules);
			s->src = s->h1;
			s->src_check = s->h2;
		}
	}
	__u32 cond = task_conditions(task, (__u32)bpf_get_current_uid_gid());
	__u32 outcome = decide_network(p->rules, a->probes, p->rs, family, type, protocol, s->src, s->src_check, cond);
	return conclude(a, p, task, outcome, hook, PALISADE_OP_NETWORK, 0, source_len, exe, resolved, family,
			type & SOCK_TYPE_MASK, protocol);
}

SEC("lsm/socket_create")
int BPF_PROG(palisade_socket_create, int family, int type, int protocol, int kern, int ret)
{
	struct protection p;

	if (ret || kern)
		return ret;
	if (!protection_of_current(&p, PALISADE_RS_ACTIVE_NETWORK))
		return 0;
	return enforce_socket(&p, PALISADE_HOOK_SOCKET_CREATE, family, type, protocol);
}

SEC("lsm/socket_connect")
int BPF_PROG(palisade_socket_connect, struct socket *sock, void *address, int addrlen, int ret)
{
	struct protection p;

	if (ret)
		return ret;
	if (!protection_of_current(&p, PALISADE_RS_ACTIVE_NETWORK))
		return 0;
	struct sock *sk = BPF_CORE_READ(sock, sk);
	if (!sk)
		return 0;
	return enforce_socket(&p, PALISADE_HOOK_SOCKET_CONNECT, BPF_CORE_READ(sk, __sk_common.skc_family),
			      BPF_CORE_READ(sock, type), BPF_CORE_READ(sk, sk_protocol));
}

SEC("lsm/capable")
int BPF_PROG(palisade_capable, const struct cred *cred, struct user_namespace *ns, int cap, unsigned int opts, int ret)
{
	struct protection p;

	if (ret)
		return ret;
	if (!protection_of_current(&p, PALISADE_RS_ACTIVE_CAPABILITIES))
		return 0;
	struct scratch_area *a = scratch_area();
	if (!a)
		return 0;
	struct task_struct *task = (void *)bpf_get_current_task();
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);
	__u32 source_len = 0;
	int resolved = 0;
	struct scan *s;
	s = scan_init(a, p.cfg, 0, 0);
	if (p.rs->flags & PALISADE_RS_SOURCED_CAPABILITIES) {
		resolved = 1;
		source_len = walk_executable(a, 0, exe, task);
		if (source_len) {
			s->len = source_len;
			scan_run(a, p.rules);
			s->src = s->h1;
			s->src_check = s->h2;
		}
	}
	__u32 outcome = decide_capability(p.rules, a->probes, p.rs, cap, s->src, s->src_check, PALISADE_COND_OWNER);
	return conclude(a, &p, task, outcome, PALISADE_HOOK_CAPABLE, PALISADE_OP_CAPABILITIES, 0, source_len, exe, resolved,
			cap, opts, 0);
}

/* ------------------------------------------------------------------ test entry */

SEC("syscall")
int palisade_decide(struct palisade_decide_request *req)
{
	struct palisade_enforcer_config *cfg = enforcer_config();
	struct scratch_area *a = scratch_area();
	__u64 cgroup = req->cgroup_id;
	__u32 path_len = req->path_len, source_len = req->source_len;
	struct scan *s;

	req->outcome = 0;
	if (!cfg || !a || path_len >= PATH_MAX || source_len >= PATH_MAX)
		return 1;
	void *rules_map = bpf_map_lookup_elem(&rules, &cgroup);
	if (!rules_map)
		return 2;
	bpf_probe_read_kernel(a->ev.data, PATH_MAX, req->path);
	bpf_probe_read_kernel(a->ev.data + (path_len & PATH_MASK), PATH_MAX, req->source);
	s = scan_init(a, cfg, path_len, source_len);
	if (source_len) {
		scan_run(a, rules_map);
		s->src = s->h1;
		s->src_check = s->h2;
	}
	req->source_hash[0] = s->src;
	req->source_hash[1] = s->src_check;
	s->start = 0;
	s->len = path_len;
	struct palisade_rule_key k = { .kind = PALISADE_RK_CONFIG };
	struct palisade_ruleset_config *rs = bpf_map_lookup_elem(rules_map, &k);
	if (!rs)
		return 3;
	__u32 cond = req->conditions & (PALISADE_COND_TTY | PALISADE_COND_OWNER);
	switch (req->op_class) {
	case PALISADE_OP_PROCESS:
	case PALISADE_OP_FILE:
		s->conditions = cond;
		req->outcome = decide_path(a, rules_map, rs, req->op_class);
		break;
	case PALISADE_OP_NETWORK:
		scan_run(a, rules_map);
		req->outcome = decide_network(rules_map, a->probes, rs, req->family, req->type, req->protocol, s->src, s->src_check, cond);
		break;
	case PALISADE_OP_CAPABILITIES:
		scan_run(a, rules_map);
		req->outcome = decide_capability(rules_map, a->probes, rs, req->capability, s->src, s->src_check, cond);
		break;
	}
	req->path_hash[0] = s->h1;
	req->path_hash[1] = s->h2;
	return 0;
}
