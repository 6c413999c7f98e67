package dev.palisade.streams.grpc;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files the gRPC tests read: KubeArmor's proto from shared/reference (beside the repository), and this module's. */
final class SharedReference {
    private SharedReference() {}

    static Path kubearmorProto() {
        String repo = System.getenv("PALISADE_REPO_ROOT");
        Path root = repo != null ? Path.of(repo) : Path.of("").toAbsolutePath().getParent();
        for (Path candidate : new Path[] {root.resolve("../shared/reference/kubearmor.proto").normalize(),
                Path.of("/work/shared/reference/kubearmor.proto")}) {
            if (Files.isRegularFile(candidate)) return candidate;
        }
        throw new IllegalStateException("KubeArmor's kubearmor.proto not found at " + root.resolve("../shared/reference")
                + " (the shared/ directory beside the repository)");
    }

    static Path moduleFile(String relative) {
        Path p = Path.of(relative).toAbsolutePath();
        if (!Files.isRegularFile(p)) throw new IllegalStateException("missing " + p);
        return p;
    }
}
