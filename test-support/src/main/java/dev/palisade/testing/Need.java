package dev.palisade.testing;

/** Something of the machine a test needs and cannot do without. */
public enum Need {
    /** Effective uid 0. */
    ROOT,
    /** Root, BTF at /sys/kernel/btf/vmlinux and libbpf.so.1: enough to load tracepoint programs and ring buffers. */
    BPF,
    /** Root and a runc binary: real containers. */
    RUNC,
    /** Root and qemu-system-x86_64: the nested VM that runs BPF-LSM. */
    NESTED_VM,
    /** Root and a kernel with fanotify permission events. */
    FANOTIFY;
}
