package dev.palisade.kernel.bpf;

import dev.palisade.kernel.ffm.CallState;
import java.lang.foreign.MemorySegment;

/** A program of a {@link BpfObject}: its name, section (which says how it attaches) and autoload choice. */
public final class BpfProgram {
    private final BpfObject owner;
    private final MemorySegment handle;
    private final String name;
    private final String section;

    BpfProgram(BpfObject owner, MemorySegment handle) {
        this.owner = owner;
        this.handle = handle;
        try {
            this.name = Libbpf.string((MemorySegment) Libbpf.PROGRAM_NAME.invokeExact(handle));
            this.section = Libbpf.string((MemorySegment) Libbpf.PROGRAM_SECTION.invokeExact(handle));
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_program__name", t);
        }
    }

    public String name() {
        return name;
    }

    /** The ELF section, e.g. {@code tracepoint/syscalls/sys_enter_openat}, {@code tp_btf/sched_process_exec}, {@code lsm/file_open}. */
    public String section() {
        return section;
    }

    /** The attach kind: the section up to its first '/'. */
    public String sectionKind() {
        int slash = section.indexOf('/');
        return slash < 0 ? section : section.substring(0, slash);
    }

    /** The attach target: the section after its first '/' (e.g. {@code syscalls/sys_enter_openat}). */
    public String sectionTarget() {
        int slash = section.indexOf('/');
        return slash < 0 ? "" : section.substring(slash + 1);
    }

    public boolean autoload() {
        owner.ensureOpen();
        try {
            return (boolean) Libbpf.PROGRAM_AUTOLOAD.invokeExact(handle);
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_program__autoload", t);
        }
    }

    /** Chooses whether {@link BpfObject#load} loads this program; only before loading. */
    public void setAutoload(boolean autoload) {
        owner.ensureOpen();
        if (owner.isLoaded()) throw new IllegalStateException("program " + name + ": autoload can only change before load");
        int rc;
        try {
            rc = (int) Libbpf.PROGRAM_SET_AUTOLOAD.invokeExact(handle, autoload);
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_program__set_autoload", t);
        }
        if (rc != 0) throw new BpfException("set autoload of program " + name, rc);
    }

    /** The kernel's program fd once loaded. */
    public int fd() {
        owner.ensureLoaded("fd of program " + name);
        try {
            int fd = (int) Libbpf.PROGRAM_FD.invokeExact(handle);
            if (fd < 0) throw new BpfException("fd of program " + name + " (not loaded?)", fd);
            return fd;
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_program__fd", t);
        }
    }

    /** Attaches the loaded program as its section says (bpf_program__attach); the object owns the link. */
    public BpfLink attach() {
        owner.ensureLoaded("attach program " + name);
        if (!autoload()) throw new IllegalStateException("program " + name + " was not loaded (autoload off)");
        try (LibbpfLog.Capture warnings = LibbpfLog.capture()) {
            MemorySegment link = (MemorySegment) Libbpf.PROGRAM_ATTACH.invokeExact(CallState.segment(), handle);
            if (link.address() == 0) {
                throw new BpfException("attach program " + name + " (" + section + ")", CallState.errno(), warnings.text(), null);
            }
            BpfLink l = new BpfLink(owner, this, link);
            owner.linked(l);
            return l;
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_program__attach", t);
        }
    }

    /**
     * Runs the loaded program once with BPF_PROG_TEST_RUN on {@code ctx} (program types that take a context from
     * user space, such as {@code syscall}): the kernel copies ctx in and, for syscall programs, back out.
     *
     * @return the program's return value
     */
    public int testRun(MemorySegment ctx) {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            // struct bpf_test_run_opts (libbpf 1.x): sz, data_in, data_out, data_size_in/out, ctx_in (32), ctx_out,
            // ctx_size_in (48), ctx_size_out, retval (56), ... A syscall program's context is copied back into
            // ctx_in; the kernel refuses ctx_out for them.
            MemorySegment opts = arena.allocate(TEST_RUN_OPTS_SIZE, 8);
            opts.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, TEST_RUN_OPTS_SIZE);
            opts.set(java.lang.foreign.ValueLayout.ADDRESS, 32, ctx);
            opts.set(java.lang.foreign.ValueLayout.JAVA_INT, 48, (int) ctx.byteSize());
            int rc;
            try {
                rc = (int) Libbpf.PROG_TEST_RUN_OPTS.invokeExact(fd(), opts);
            } catch (Throwable t) {
                throw Libbpf.unexpected("bpf_prog_test_run_opts", t);
            }
            if (rc != 0) throw new BpfException("test run of program " + name, rc);
            return opts.get(java.lang.foreign.ValueLayout.JAVA_INT, 56); // retval
        }
    }

    /** sizeof(struct bpf_test_run_opts) in libbpf 1.x (up to batch_size). */
    private static final long TEST_RUN_OPTS_SIZE = 80;

    @Override
    public String toString() {
        return name + " (" + section + ")";
    }
}
