/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Palisade's event ABI: the one record layout every BPF program writes into a ring buffer and the
 * Java decoder (dev.palisade.kernel.event.EventLayout) reads. Change a field here and the layout test
 * in kernel/ fails until EventLayout says the same; bump PALISADE_EVENT_ABI whenever the layout changes.
 *
 * Rules that keep both sides simple: fixed-size records per kind, little endian (host order), every
 * field naturally aligned, explicit padding fields (named reserved*), strings NUL-terminated inside
 * fixed arrays with an explicit *_len (bytes including the NUL, 0 when unreadable).
 */
#ifndef PALISADE_EVENT_H
#define PALISADE_EVENT_H

#include <linux/types.h>

#define PALISADE_EVENT_ABI 1

#define PALISADE_COMM_LEN 16
#define PALISADE_PATH_LEN 256
#define PALISADE_ARGS_LEN 512
#define PALISADE_UNIX_PATH_LEN 108

enum palisade_abi {
	PALISADE_ABI_VERSION = PALISADE_EVENT_ABI,
};

enum palisade_event_kind {
	PALISADE_EV_PROCESS_EXEC = 1,
	PALISADE_EV_PROCESS_EXIT = 2,
	PALISADE_EV_FILE_OPEN = 3,
	PALISADE_EV_SOCKET_CREATE = 4,
	PALISADE_EV_SOCKET_CONNECT = 5,
	PALISADE_EV_SOCKET_ACCEPT = 6,
	PALISADE_EV_SOCKET_BIND = 7,
	PALISADE_EV_CAPABILITY = 8,
	PALISADE_EV_ENFORCEMENT = 9,   /* a BPF-LSM decision to report (enforcer.bpf.c), on the enforcer's own ring */
};

/* Bits of a visibility value: which operation classes of a cgroup (or the host) reach the ring. */
enum palisade_visibility {
	PALISADE_VIS_PROCESS = 1,
	PALISADE_VIS_FILE = 2,
	PALISADE_VIS_NETWORK = 4,
	PALISADE_VIS_CAPABILITIES = 8,
};

/* Bits of palisade_exec_event.truncated */
enum palisade_truncation {
	PALISADE_TRUNC_FILENAME = 1,
	PALISADE_TRUNC_ARGS = 2,
	PALISADE_TRUNC_PARENT_EXE = 4,
};

/* Which system call produced a palisade_file_event */
enum palisade_file_syscall {
	PALISADE_SYS_OPEN = 1,
	PALISADE_SYS_OPENAT = 2,
	PALISADE_SYS_OPENAT2 = 3,
	PALISADE_SYS_CREAT = 4,
};

struct palisade_event_header {
	__u16 kind;          /* enum palisade_event_kind */
	__u16 abi;           /* PALISADE_EVENT_ABI */
	__u32 size;          /* bytes of the whole record */
	__u64 timestamp_ns;  /* bpf_ktime_get_boot_ns(): CLOCK_BOOTTIME */
	__u64 cgroup_id;     /* cgroup v2 id = inode of the cgroup2 directory */
	__u32 pid;           /* thread group id, as the host sees it */
	__u32 tid;           /* thread id, as the host sees it */
	__u32 ppid;          /* real parent's thread group id, host view */
	__u32 ns_pid;        /* pid inside the task's own pid namespace */
	__u32 ns_ppid;       /* parent's pid in that namespace, 0 when the parent is outside it */
	__u32 uid;
	__u32 gid;
	__u32 mnt_ns;        /* mount namespace inode number */
	__u32 pid_ns;        /* pid namespace inode number */
	__u32 reserved;
	char comm[PALISADE_COMM_LEN];
};

struct palisade_exec_event {
	struct palisade_event_header hdr;
	__u32 argc;              /* argv entries of the new image (args may hold fewer) */
	__u16 filename_len;
	__u16 args_len;          /* bytes used in args: NUL-separated argv strings */
	__u16 parent_exe_len;
	__u16 truncated;         /* enum palisade_truncation bits */
	__u32 reserved;
	char filename[PALISADE_PATH_LEN];   /* the path handed to execve, as the task sees it */
	char args[PALISADE_ARGS_LEN];
	/* parent's executable, relative to the task's root: path components leaf first, each NUL-terminated */
	char parent_exe[PALISADE_PATH_LEN];
};

struct palisade_exit_event {
	struct palisade_event_header hdr;
	__s32 exit_code;         /* task->exit_code: status << 8 | terminating signal */
	__u32 reserved;
};

struct palisade_file_event {
	struct palisade_event_header hdr;
	__s32 dirfd;
	__s32 flags;
	__u32 mode;
	__s32 result;            /* fd, or -errno */
	__u16 syscall;           /* enum palisade_file_syscall */
	__u16 path_len;
	__u32 reserved;
	char path[PALISADE_PATH_LEN];       /* as handed to the system call */
};

struct palisade_socket_event {
	struct palisade_event_header hdr;
	__s32 fd;                /* the socket (-1 for socket creation: result is the new fd) */
	__s32 result;            /* system call return value: fd or 0, or -errno */
	__u16 family;
	__u16 type;              /* SOCK_* without SOCK_NONBLOCK/SOCK_CLOEXEC */
	__u16 protocol;
	__u16 port;              /* host order: remote for connect/accept, local for bind */
	__u16 addr_len;          /* sockaddr length handed to connect/bind, 0 otherwise */
	__u16 reserved;
	__u32 reserved2;
	__u8 addr[16];           /* IPv4 in the first 4 bytes or IPv6, network order */
	char unix_path[PALISADE_UNIX_PATH_LEN];  /* AF_UNIX sun_path (abstract names start with NUL) */
	__u32 reserved3;
};

/* The LSM hook an enforcement event comes from. */
enum palisade_lsm_hook {
	PALISADE_HOOK_BPRM_CHECK = 1,
	PALISADE_HOOK_FILE_OPEN = 2,
	PALISADE_HOOK_FILE_PERMISSION = 3,
	PALISADE_HOOK_SOCKET_CREATE = 4,
	PALISADE_HOOK_SOCKET_CONNECT = 5,
	PALISADE_HOOK_CAPABLE = 6,
};

#define PALISADE_ENFORCEMENT_DATA_LEN 8192

/*
 * A decision of the BPF-LSM enforcer: a denial, an audit, or a default-posture miss. The one record of the ABI
 * with a variable length: hdr.size is the offset of data plus path_len plus source_len, and only that much is
 * written to the ring (paths are up to PATH_MAX long; most are short).
 */
struct palisade_enforcement_event {
	struct palisade_event_header hdr;
	__u32 outcome;           /* the rule map's outcome: verdict index and DENY/ALERT bits (palisade_enforcer.h) */
	__u32 generation;        /* the rule set generation the verdict index belongs to */
	__s32 retval;            /* what the hook returned: 0 or -EACCES */
	__u16 hook;              /* enum palisade_lsm_hook */
	__u16 op_class;          /* enum palisade_op_class of palisade_enforcer.h */
	__u16 path_len;          /* bytes of the resource path at data[0] (no NUL); 0 for network and capabilities */
	__u16 source_len;        /* bytes of the source executable's path right after it (no NUL), 0 when unknown */
	__s32 arg0;              /* file: f_mode (open) or the MAY_* mask (permission); socket: family; capable: cap */
	__s32 arg1;              /* file: f_flags; socket: type; capable: opts */
	__s32 arg2;              /* socket: protocol */
	__u32 reserved;
	__u32 reserved2;
	char data[PALISADE_ENFORCEMENT_DATA_LEN];
};

struct palisade_capability_event {
	struct palisade_event_header hdr;
	__s32 capability;        /* CAP_* number */
	__s32 result;            /* 0 granted, -EPERM denied */
};

/*
 * Settings the agent writes into a monitor object's `config` array map (one entry).
 * wakeup_threshold: 0 lets the kernel wake the reader per record when it has caught up; otherwise records
 * are submitted without a wake-up, except the one that takes the unread backlog past that many bytes (the
 * reader also polls the positions on a timer, so nothing waits longer than its poll interval).
 */
struct palisade_monitor_config {
	__u64 wakeup_threshold;
	__u32 host_mnt_ns;       /* mount namespace inode of the host (pid 1) */
	__u32 host_visibility;   /* enum palisade_visibility bits for tasks in that namespace and no watched cgroup */
};

/*
 * Every object holds one of these in .rodata. It makes clang emit BTF for the whole ABI (the layout
 * test reads the structs and enums from the object's BTF) and lets the loader check the version. The
 * structs are held by value: BTF keeps only a forward declaration of a struct reached through a pointer.
 */
struct palisade_abi_info {
	__u32 version;
	enum palisade_abi abi;
	enum palisade_event_kind kind;
	enum palisade_visibility visibility;
	enum palisade_truncation truncation;
	enum palisade_file_syscall file_syscall;
	enum palisade_lsm_hook lsm_hook;
	union {
		struct palisade_exec_event exec;
		struct palisade_exit_event exit;
		struct palisade_file_event file;
		struct palisade_socket_event socket;
		struct palisade_capability_event capability;
		struct palisade_enforcement_event enforcement;
		struct palisade_monitor_config config;
	} layouts;
};

#define PALISADE_DECLARE_ABI_INFO \
	const volatile struct palisade_abi_info palisade_abi_info = { .version = PALISADE_EVENT_ABI }

#endif
