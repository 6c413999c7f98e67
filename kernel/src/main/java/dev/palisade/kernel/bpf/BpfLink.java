package dev.palisade.kernel.bpf;

import java.lang.foreign.MemorySegment;

/** An attached program. Closing it detaches the program; its object closes any link still open. */
public final class BpfLink implements AutoCloseable {
    private final BpfObject owner;
    private final BpfProgram program;
    private final MemorySegment handle;
    private boolean destroyed;

    BpfLink(BpfObject owner, BpfProgram program, MemorySegment handle) {
        this.owner = owner;
        this.program = program;
        this.handle = handle;
    }

    public BpfProgram program() {
        return program;
    }

    public synchronized boolean isAttached() {
        return !destroyed;
    }

    /** Detaches (bpf_link__destroy). Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (destroyed) return;
            destroyed = true;
        }
        owner.unlinked(this);
        int rc;
        try {
            rc = (int) Libbpf.LINK_DESTROY.invokeExact(handle);
        } catch (Throwable t) {
            throw Libbpf.unexpected("bpf_link__destroy", t);
        }
        if (rc != 0) throw new BpfException("detach program " + program.name(), rc);
    }

    @Override
    public String toString() {
        return "BpfLink[" + program + (destroyed ? ", detached" : "") + "]";
    }
}
