package dev.palisade.kernel.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * errno as captured by {@link Linker.Option#captureCallState}: every downcall linked with {@link #OPTION}
 * takes this thread's capture segment as its first argument, and {@link #errno()} reads what the call left.
 */
public final class CallState {
    public static final Linker.Option OPTION = Linker.Option.captureCallState("errno");

    private static final StructLayout LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> SEGMENT =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(LAYOUT));

    private CallState() {}

    /** The capture segment of the calling thread; pass it as the first argument of a capturing downcall. */
    public static MemorySegment segment() {
        return SEGMENT.get();
    }

    /** errno left by the last capturing downcall of this thread. */
    public static int errno() {
        return (int) ERRNO.get(SEGMENT.get(), 0L);
    }
}
