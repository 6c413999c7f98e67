/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The few kernel types Palisade's programs read, declared by hand instead of a 2.8 MB vmlinux.h.
 * preserve_access_index makes every field access a CO-RE relocation: libbpf rewrites the offsets
 * against the running kernel's BTF at load time, so only the field names (and types) have to match.
 * Anonymous unions of the real types need not be reproduced: libbpf finds a field by name through them.
 */
#ifndef PALISADE_KERNEL_TYPES_H
#define PALISADE_KERNEL_TYPES_H

#include <linux/types.h>

#define PALISADE_CORE __attribute__((preserve_access_index))

struct qstr {
	union {
		struct {
			__u32 hash;
			__u32 len;
		};
		__u64 hash_len;
	};
	const unsigned char *name;
} PALISADE_CORE;

typedef struct {
	__u32 val;
} kuid_t;

struct inode {
	unsigned short i_mode;
	unsigned long i_ino;
	kuid_t i_uid;
} PALISADE_CORE;

struct dentry {
	struct dentry *d_parent;
	struct qstr d_name;
	struct inode *d_inode;
} PALISADE_CORE;

struct vfsmount {
	struct dentry *mnt_root;
} PALISADE_CORE;

struct mount {
	struct mount *mnt_parent;
	struct dentry *mnt_mountpoint;
	struct vfsmount mnt;
} PALISADE_CORE;

struct path {
	struct vfsmount *mnt;
	struct dentry *dentry;
} PALISADE_CORE;

struct file {
	struct path f_path;
	struct inode *f_inode;
	void *private_data;
	unsigned int f_mode;
	unsigned int f_flags;
} PALISADE_CORE;

struct fs_struct {
	struct path root;
	struct path pwd;
} PALISADE_CORE;

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
} PALISADE_CORE;

struct files_struct {
	struct fdtable *fdt;
} PALISADE_CORE;

struct mm_struct {
	unsigned long arg_start;
	unsigned long arg_end;
	struct file *exe_file;
} PALISADE_CORE;

struct ns_common {
	unsigned int inum;
} PALISADE_CORE;

struct mnt_namespace {
	struct ns_common ns;
} PALISADE_CORE;

struct pid_namespace {
	struct ns_common ns;
} PALISADE_CORE;

struct nsproxy {
	struct mnt_namespace *mnt_ns;
} PALISADE_CORE;

struct upid {
	int nr;
	struct pid_namespace *ns;
} PALISADE_CORE;

struct pid {
	unsigned int level;
	struct upid numbers[1];
} PALISADE_CORE;

struct tty_struct;

struct signal_struct {
	struct tty_struct *tty;
} PALISADE_CORE;

struct task_struct {
	int pid;
	int tgid;
	int exit_code;
	struct task_struct *real_parent;
	struct task_struct *group_leader;
	struct pid *thread_pid;
	struct mm_struct *mm;
	struct fs_struct *fs;
	struct files_struct *files;
	struct nsproxy *nsproxy;
	struct signal_struct *signal;
} PALISADE_CORE;

struct linux_binprm {
	struct file *file;
	int argc;
	const char *filename;
} PALISADE_CORE;

struct in6_addr {
	union {
		__u8 u6_addr8[16];
	} in6_u;
} PALISADE_CORE;

struct sock_common {
	__u32 skc_daddr;
	__u32 skc_rcv_saddr;
	__u16 skc_dport;
	__u16 skc_num;
	unsigned short skc_family;
	struct in6_addr skc_v6_daddr;
} PALISADE_CORE;

struct sock {
	struct sock_common __sk_common;
	__u16 sk_type;
	__u16 sk_protocol;
} PALISADE_CORE;

struct socket {
	short type;
	struct sock *sk;
} PALISADE_CORE;

struct cred;
struct user_namespace;

/* Context of tracepoint/syscalls/sys_enter_* and sys_exit_* programs. */
struct syscall_trace_enter {
	int nr;
	unsigned long args[6];
} PALISADE_CORE;

struct syscall_trace_exit {
	int nr;
	long ret;
} PALISADE_CORE;

#endif
