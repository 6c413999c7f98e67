package dev.palisade.kernel.bpf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether the hook a program's section names exists on this kernel, asked before loading so that a
 * program for a newer kernel (e.g. the capability:cap_capable tracepoint) can be left out instead of
 * failing the whole object.
 */
public final class AttachTargets {
    private final Btf kernelBtf;
    private final Path tracingRoot;

    /** @param tracingRoot tracefs root (…/events/&lt;category&gt;/&lt;name&gt;/id) */
    public AttachTargets(Btf kernelBtf, Path tracingRoot) {
        this.kernelBtf = kernelBtf;
        this.tracingRoot = tracingRoot;
    }

    /** Why the program's hook is missing, or empty when it exists (or cannot be checked before loading). */
    public Optional<String> missing(BpfProgram program) {
        String target = program.sectionTarget();
        return switch (program.sectionKind()) {
            case "tracepoint", "tp" -> Files.exists(tracingRoot.resolve("events").resolve(target).resolve("id"))
                    ? Optional.empty()
                    : Optional.of("tracepoint " + target + " is not in " + tracingRoot.resolve("events"));
            case "tp_btf" -> kernelBtf.find("btf_trace_" + target, Btf.KIND_TYPEDEF).isPresent()
                    ? Optional.empty()
                    : Optional.of("the kernel has no BTF tracepoint " + target + " (no btf_trace_" + target + ")");
            case "lsm", "lsm.s" -> kernelBtf.find("bpf_lsm_" + target, 12 /* BTF_KIND_FUNC */).isPresent()
                    ? Optional.empty()
                    : Optional.of("the kernel has no BPF-LSM hook " + target);
            default -> Optional.empty();
        };
    }
}
