// SPDX-License-Identifier: GPL-2.0-only
/*
 * Palisade's system monitor: process exec/exit, file opens, socket create/connect/accept/bind and
 * capability checks, written as palisade_*_event records (palisade_event.h) into the `events` ring.
 *
 * Nothing is recorded for a task unless its cgroup v2 id is in `visibility` with the operation class's
 * bit set, or it runs in the host mount namespace and the host visibility in `config` has that bit:
 * unwatched containers cost one hash lookup per hooked call and put nothing on the ring.
 *
 * Only tracepoints (classic and BTF-typed) are used: they load on kernels where kprobes and
 * trampolines (fentry, lsm) are unavailable.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "palisade_kernel_types.h"
#include "palisade_event.h"
#include "palisade_ring.h"

char LICENSE[] SEC("license") = "GPL";

PALISADE_DECLARE_ABI_INFO;

#define AT_FDCWD -100
#define O_WRONLY 01
#define O_CREAT 0100
#define O_TRUNC 01000
#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define SOCK_TYPE_MASK 0xf
#define PATH_DEPTH 24
#define MAX_PID_NS_LEVEL 32

/* ------------------------------------------------------------------ maps */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);   /* the loader may resize it before load */
} events SEC(".maps");

PALISADE_RING_LOSS_MAP(events_lost);

/* cgroup v2 id -> enum palisade_visibility bits */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64);
	__type(value, __u32);
} visibility SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct palisade_monitor_config);
} config SEC(".maps");

/* Arguments seen at sys_enter, waiting for the matching sys_exit of the same thread. */
struct pending_syscall {
	__u64 args[4];
	__u32 kind;      /* enum palisade_event_kind; for file events PALISADE_EV_FILE_OPEN + syscall << 8 */
	__u32 reserved;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct pending_syscall);
} pending SEC(".maps");

/* Per-CPU work area: path components are written at a masked offset, so it is twice as large. */
struct scratch_area {
	char buf[PALISADE_PATH_LEN * 2];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch_area);
} scratch SEC(".maps");

/* ------------------------------------------------------------------ filtering and records */

static __always_inline struct palisade_monitor_config *monitor_config(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&config, &zero);
}

/* The visibility bits among `wanted` that apply to the current task. */
static __always_inline __u32 current_visibility(__u32 wanted)
{
	__u64 cgroup = bpf_get_current_cgroup_id();
	__u32 *bits = bpf_map_lookup_elem(&visibility, &cgroup);

	if (bits)
		return *bits & wanted;

	struct palisade_monitor_config *cfg = monitor_config();
	if (!cfg || !(cfg->host_visibility & wanted))
		return 0;
	struct task_struct *task = (void *)bpf_get_current_task();
	__u32 mnt_ns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	return mnt_ns == cfg->host_mnt_ns ? cfg->host_visibility & wanted : 0;
}

static __always_inline void *reserve_event(__u64 size)
{
	void *e = bpf_ringbuf_reserve(&events, size, 0);

	if (!e)
		palisade_count_loss(&events_lost);
	return e;
}

static __always_inline void submit_event(void *e, __u64 size)
{
	struct palisade_monitor_config *cfg = monitor_config();

	bpf_ringbuf_submit(e, palisade_wakeup_flags(&events, cfg ? cfg->wakeup_threshold : 0, size));
}

struct upid_view {
	int nr;
	struct pid_namespace *ns;
};

/* pid->numbers[level]: a variable index into a flexible array, so the offsets are relocated by hand. */
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

static __always_inline void fill_header(struct palisade_event_header *h, __u16 kind, __u32 size,
					struct task_struct *task)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	h->kind = kind;
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

/*
 * Writes the path of (dentry, mnt) relative to the task's root into out as its components, leaf first,
 * each NUL-terminated ("dash\0bin\0usr\0" for /usr/bin/dash). Walking up is cheap and bounded; the Java
 * decoder reverses the order. Returns the bytes used; sets *truncated when the path did not fit.
 */
static __always_inline __u16 path_leaf_first(struct dentry *dentry, struct vfsmount *vfsmnt,
					     struct task_struct *task, char *out, __u16 *truncated)
{
	__u32 zero = 0;
	struct scratch_area *s = bpf_map_lookup_elem(&scratch, &zero);

	if (!s || !dentry || !vfsmnt)
		return 0;

	struct dentry *root_dentry = BPF_CORE_READ(task, fs, root.dentry);
	struct vfsmount *root_mnt = BPF_CORE_READ(task, fs, root.mnt);
	__u64 mnt_offset = bpf_core_field_offset(struct mount, mnt);
	struct mount *mnt = (void *)vfsmnt - mnt_offset;
	__u32 off = 0;
	int complete = 0;

	for (int i = 0; i < PATH_DEPTH; i++) {
		if (dentry == root_dentry && vfsmnt == root_mnt) {
			complete = 1;
			break;
		}
		if (dentry == BPF_CORE_READ(vfsmnt, mnt_root)) {
			struct mount *up = BPF_CORE_READ(mnt, mnt_parent);
			if (up == mnt) {   /* top of the mount tree, outside the task's root */
				complete = 1;
				break;
			}
			dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = up;
			vfsmnt = (void *)up + mnt_offset;
			continue;
		}
		struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
		if (parent == dentry) {
			complete = 1;
			break;
		}
		if (off >= PALISADE_PATH_LEN)
			break;
		const unsigned char *name = BPF_CORE_READ(dentry, d_name.name);
		long n = bpf_probe_read_kernel_str(&s->buf[off & (PALISADE_PATH_LEN - 1)], PALISADE_PATH_LEN, name);
		if (n <= 0)
			break;
		off += n;
		dentry = parent;
	}
	if (!complete || off > PALISADE_PATH_LEN)
		*truncated = 1;
	if (off > PALISADE_PATH_LEN)
		off = PALISADE_PATH_LEN;
	bpf_probe_read_kernel(out, PALISADE_PATH_LEN, s->buf);
	return off;
}

/* ------------------------------------------------------------------ process */

SEC("tp_btf/sched_process_exec")
int BPF_PROG(palisade_exec, struct task_struct *p, int old_pid, struct linux_binprm *bprm)
{
	if (!current_visibility(PALISADE_VIS_PROCESS))
		return 0;
	struct palisade_exec_event *e = reserve_event(sizeof(*e));
	if (!e)
		return 0;
	struct task_struct *task = (void *)bpf_get_current_task();
	fill_header(&e->hdr, PALISADE_EV_PROCESS_EXEC, sizeof(*e), task);
	e->truncated = 0;
	e->reserved = 0;
	e->argc = BPF_CORE_READ(bprm, argc);

	long n = bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), BPF_CORE_READ(bprm, filename));
	e->filename_len = n > 0 ? n : 0;
	if (n == sizeof(e->filename))
		e->truncated |= PALISADE_TRUNC_FILENAME;

	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	unsigned long arg_start = BPF_CORE_READ(mm, arg_start);
	unsigned long len = BPF_CORE_READ(mm, arg_end) - arg_start;
	if (len > PALISADE_ARGS_LEN) {
		len = PALISADE_ARGS_LEN;
		e->truncated |= PALISADE_TRUNC_ARGS;
	}
	e->args_len = 0;
	if (bpf_probe_read_user(e->args, len, (void *)arg_start) == 0)
		e->args_len = len;

	__u16 parent_truncated = 0;
	struct file *exe = BPF_CORE_READ(task, real_parent, mm, exe_file);
	e->parent_exe_len = 0;
	if (exe)
		e->parent_exe_len = path_leaf_first(BPF_CORE_READ(exe, f_path.dentry), BPF_CORE_READ(exe, f_path.mnt),
						    task, e->parent_exe, &parent_truncated);
	if (parent_truncated)
		e->truncated |= PALISADE_TRUNC_PARENT_EXE;
	submit_event(e, sizeof(*e));
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(palisade_exit, struct task_struct *p)
{
	/* one record per process: when its thread group leader exits */
	if (BPF_CORE_READ(p, pid) != BPF_CORE_READ(p, tgid))
		return 0;
	if (!current_visibility(PALISADE_VIS_PROCESS))
		return 0;
	struct palisade_exit_event *e = reserve_event(sizeof(*e));
	if (!e)
		return 0;
	fill_header(&e->hdr, PALISADE_EV_PROCESS_EXIT, sizeof(*e), (void *)bpf_get_current_task());
	e->exit_code = BPF_CORE_READ(p, exit_code);
	e->reserved = 0;
	submit_event(e, sizeof(*e));
	return 0;
}

/* ------------------------------------------------------------------ sys_enter / sys_exit pairs */

static __always_inline int stash(__u32 visibility_bit, __u32 kind, __u64 a0, __u64 a1, __u64 a2, __u64 a3)
{
	if (!current_visibility(visibility_bit))
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	struct pending_syscall p = {
		.args = { a0, a1, a2, a3 },
		.kind = kind,
	};
	bpf_map_update_elem(&pending, &id, &p, BPF_ANY);
	return 0;
}

/* Takes the stashed arguments of this thread's system call if they were stashed for `kind`. */
static __always_inline int unstash(__u32 kind, struct pending_syscall *out)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct pending_syscall *p = bpf_map_lookup_elem(&pending, &id);

	if (!p)
		return 0;
	int match = p->kind == kind;
	if (match)
		*out = *p;
	bpf_map_delete_elem(&pending, &id);
	return match;
}

/* ------------------------------------------------------------------ files */

#define FILE_KIND(sys) (PALISADE_EV_FILE_OPEN | ((sys) << 8))

static __always_inline int emit_file(struct syscall_trace_exit *ctx, __u32 syscall)
{
	struct pending_syscall p;

	if (!unstash(FILE_KIND(syscall), &p))
		return 0;
	struct palisade_file_event *e = reserve_event(sizeof(*e));
	if (!e)
		return 0;
	fill_header(&e->hdr, PALISADE_EV_FILE_OPEN, sizeof(*e), (void *)bpf_get_current_task());
	e->dirfd = (__s32)p.args[0];
	e->flags = (__s32)p.args[2];
	e->mode = (__u32)p.args[3];
	if (syscall == PALISADE_SYS_OPENAT2) {
		__u64 how[2] = {};   /* struct open_how { u64 flags; u64 mode; u64 resolve; } */
		bpf_probe_read_user(how, sizeof(how), (void *)p.args[2]);
		e->flags = (__s32)how[0];
		e->mode = (__u32)how[1];
	}
	e->result = (__s32)ctx->ret;
	e->syscall = syscall;
	e->reserved = 0;
	/* read at exit: the kernel has faulted the string in by now */
	long n = bpf_probe_read_user_str(e->path, sizeof(e->path), (void *)p.args[1]);
	e->path_len = n > 0 ? n : 0;
	submit_event(e, sizeof(*e));
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int palisade_enter_openat(struct syscall_trace_enter *ctx)
{
	return stash(PALISADE_VIS_FILE, FILE_KIND(PALISADE_SYS_OPENAT), ctx->args[0], ctx->args[1], ctx->args[2],
		     ctx->args[3]);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int palisade_exit_openat(struct syscall_trace_exit *ctx)
{
	return emit_file(ctx, PALISADE_SYS_OPENAT);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int palisade_enter_openat2(struct syscall_trace_enter *ctx)
{
	return stash(PALISADE_VIS_FILE, FILE_KIND(PALISADE_SYS_OPENAT2), ctx->args[0], ctx->args[1], ctx->args[2], 0);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int palisade_exit_openat2(struct syscall_trace_exit *ctx)
{
	return emit_file(ctx, PALISADE_SYS_OPENAT2);
}

SEC("tracepoint/syscalls/sys_enter_open")
int palisade_enter_open(struct syscall_trace_enter *ctx)
{
	return stash(PALISADE_VIS_FILE, FILE_KIND(PALISADE_SYS_OPEN), (__u64)(__s64)AT_FDCWD, ctx->args[0],
		     ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_open")
int palisade_exit_open(struct syscall_trace_exit *ctx)
{
	return emit_file(ctx, PALISADE_SYS_OPEN);
}

SEC("tracepoint/syscalls/sys_enter_creat")
int palisade_enter_creat(struct syscall_trace_enter *ctx)
{
	return stash(PALISADE_VIS_FILE, FILE_KIND(PALISADE_SYS_CREAT), (__u64)(__s64)AT_FDCWD, ctx->args[0],
		     O_CREAT | O_WRONLY | O_TRUNC, ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_creat")
int palisade_exit_creat(struct syscall_trace_exit *ctx)
{
	return emit_file(ctx, PALISADE_SYS_CREAT);
}

/* ------------------------------------------------------------------ sockets */

static __always_inline struct socket *socket_of_fd(struct task_struct *task, long fd)
{
	if (fd < 0)
		return 0;
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	if ((unsigned long)fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = 0;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	if (!f || (BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return 0;
	return BPF_CORE_READ(f, private_data);
}

static __always_inline void socket_identity(struct palisade_socket_event *e, struct socket *sock)
{
	struct sock *sk = BPF_CORE_READ(sock, sk);

	if (!sk)
		return;
	e->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	e->type = BPF_CORE_READ(sk, sk_type);
	e->protocol = BPF_CORE_READ(sk, sk_protocol);
}

static __always_inline struct palisade_socket_event *socket_event(__u16 kind, struct task_struct *task)
{
	struct palisade_socket_event *e = reserve_event(sizeof(*e));

	if (!e)
		return 0;
	fill_header(&e->hdr, kind, sizeof(*e), task);
	e->fd = -1;
	e->family = 0;
	e->type = 0;
	e->protocol = 0;
	e->port = 0;
	e->addr_len = 0;
	e->reserved = 0;
	e->reserved2 = 0;
	e->reserved3 = 0;
	__builtin_memset(e->addr, 0, sizeof(e->addr));
	e->unix_path[0] = 0;
	return e;
}

/* Copies family, port and address out of a user sockaddr of addrlen bytes. */
static __always_inline void user_sockaddr(struct palisade_socket_event *e, __u64 uaddr, __u64 addrlen)
{
	__u32 zero = 0;
	struct scratch_area *s = bpf_map_lookup_elem(&scratch, &zero);

	if (!s || !uaddr)
		return;
	__u32 len = addrlen > 110 ? 110 : (__u32)addrlen;   /* sizeof(struct sockaddr_un) */
	e->addr_len = len;
	__builtin_memset(s->buf, 0, 112);
	if (bpf_probe_read_user(s->buf, len & 127, (void *)uaddr))
		return;
	__u16 family = *(__u16 *)s->buf;
	e->family = family;
	if (family == AF_INET) {
		e->port = __builtin_bswap16(*(__u16 *)&s->buf[2]);
		__builtin_memcpy(e->addr, &s->buf[4], 4);
	} else if (family == AF_INET6) {
		e->port = __builtin_bswap16(*(__u16 *)&s->buf[2]);
		__builtin_memcpy(e->addr, &s->buf[8], 16);
	} else if (family == AF_UNIX) {
		__builtin_memcpy(e->unix_path, &s->buf[2], PALISADE_UNIX_PATH_LEN);
	}
}

SEC("tracepoint/syscalls/sys_enter_socket")
int palisade_enter_socket(struct syscall_trace_enter *ctx)
{
	return stash(PALISADE_VIS_NETWORK, PALISADE_EV_SOCKET_CREATE, ctx->args[0], ctx->args[1], ctx->args[2], 0);
}

SEC("tracepoint/syscalls/sys_exit_socket")
int palisade_exit_socket(struct syscall_trace_exit *ctx)
{
	struct pending_syscall p;

	if (!unstash(PALISADE_EV_SOCKET_CREATE, &p))
		return 0;
	struct palisade_socket_event *e = socket_event(PALISADE_EV_SOCKET_CREATE, (void *)bpf_get_current_task());
	if (!e)
		return 0;
	e->family = p.args[0];
	e->type = p.args[1] & SOCK_TYPE_MASK;
	e->protocol = p.args[2];
	e->result = ctx->ret;
	submit_event(e, sizeof(*e));
	return 0;
}

/* connect and bind: (fd, sockaddr, addrlen) */
static __always_inline int emit_addressed(struct syscall_trace_exit *ctx, __u16 kind)
{
	struct pending_syscall p;

	if (!unstash(kind, &p))
		return 0;
	struct task_struct *task = (void *)bpf_get_current_task();
	struct palisade_socket_event *e = socket_event(kind, task);
	if (!e)
		return 0;
	e->fd = p.args[0];
	e->result = ctx->ret;
	struct socket *sock = socket_of_fd(task, (long)p.args[0]);
	if (sock)
		socket_identity(e, sock);
	user_sockaddr(e, p.args[1], p.args[2]);
	submit_event(e, sizeof(*e));
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_connect")
int palisade_enter_connect(struct syscall_trace_enter *ctx)
{
	return stash(PALISADE_VIS_NETWORK, PALISADE_EV_SOCKET_CONNECT, ctx->args[0], ctx->args[1], ctx->args[2], 0);
}

SEC("tracepoint/syscalls/sys_exit_connect")
int palisade_exit_connect(struct syscall_trace_exit *ctx)
{
	return emit_addressed(ctx, PALISADE_EV_SOCKET_CONNECT);
}

SEC("tracepoint/syscalls/sys_enter_bind")
int palisade_enter_bind(struct syscall_trace_enter *ctx)
{
	return stash(PALISADE_VIS_NETWORK, PALISADE_EV_SOCKET_BIND, ctx->args[0], ctx->args[1], ctx->args[2], 0);
}

SEC("tracepoint/syscalls/sys_exit_bind")
int palisade_exit_bind(struct syscall_trace_exit *ctx)
{
	return emit_addressed(ctx, PALISADE_EV_SOCKET_BIND);
}

/* accept and accept4: the peer is read from the accepted socket, whatever the caller asked for. */
static __always_inline int emit_accept(struct syscall_trace_exit *ctx)
{
	struct pending_syscall p;

	if (!unstash(PALISADE_EV_SOCKET_ACCEPT, &p))
		return 0;
	struct task_struct *task = (void *)bpf_get_current_task();
	struct palisade_socket_event *e = socket_event(PALISADE_EV_SOCKET_ACCEPT, task);
	if (!e)
		return 0;
	e->fd = p.args[0];
	e->result = ctx->ret;
	struct socket *sock = socket_of_fd(task, ctx->ret >= 0 ? ctx->ret : (long)p.args[0]);
	if (sock) {
		socket_identity(e, sock);
		struct sock *sk = BPF_CORE_READ(sock, sk);
		if (ctx->ret >= 0 && sk) {
			e->port = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
			if (e->family == AF_INET) {
				__u32 daddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
				__builtin_memcpy(e->addr, &daddr, 4);
			} else if (e->family == AF_INET6) {
				BPF_CORE_READ_INTO(&e->addr, sk, __sk_common.skc_v6_daddr);
			}
		}
	}
	submit_event(e, sizeof(*e));
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_accept")
int palisade_enter_accept(struct syscall_trace_enter *ctx)
{
	return stash(PALISADE_VIS_NETWORK, PALISADE_EV_SOCKET_ACCEPT, ctx->args[0], 0, 0, 0);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int palisade_exit_accept(struct syscall_trace_exit *ctx)
{
	return emit_accept(ctx);
}

SEC("tracepoint/syscalls/sys_enter_accept4")
int palisade_enter_accept4(struct syscall_trace_enter *ctx)
{
	return stash(PALISADE_VIS_NETWORK, PALISADE_EV_SOCKET_ACCEPT, ctx->args[0], 0, 0, 0);
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int palisade_exit_accept4(struct syscall_trace_exit *ctx)
{
	return emit_accept(ctx);
}

/* ------------------------------------------------------------------ capabilities */

/* The capability:cap_capable tracepoint exists from Linux 6.14; the loader skips this program before. */
SEC("tp_btf/cap_capable")
int BPF_PROG(palisade_capable, const struct cred *cred, struct user_namespace *target_ns,
	     const struct user_namespace *capable_ns, int cap, int ret)
{
	if (!current_visibility(PALISADE_VIS_CAPABILITIES))
		return 0;
	struct palisade_capability_event *e = reserve_event(sizeof(*e));
	if (!e)
		return 0;
	fill_header(&e->hdr, PALISADE_EV_CAPABILITY, sizeof(*e), (void *)bpf_get_current_task());
	e->capability = cap;
	e->result = ret;
	submit_event(e, sizeof(*e));
	return 0;
}
