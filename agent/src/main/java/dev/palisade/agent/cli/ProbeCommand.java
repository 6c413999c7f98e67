package dev.palisade.agent.cli;

import dev.palisade.kernel.probe.NodeCapabilities;
import dev.palisade.kernel.probe.NodeProbe;
import dev.palisade.kernel.probe.ProbeReport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code palisade probe}: what this node's kernel supports, found by trying, and the enforcer Palisade would use. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Report what this node supports and which enforcer Palisade would use.",
                "",
                "Every feature is tested by trying it: BPF-LSM by loading and attaching a tiny LSM program (the LSM",
                "list in /sys/kernel/security/lsm is shown for information only), tracepoints and ring buffers likewise,",
                "fanotify permission events by creating a permission-class group. Filesystems the probe needs",
                "(securityfs, tracefs, bpffs) are mounted when missing and unmounted afterwards. Needs root."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:probed (whatever the result)", "1:the probe itself failed (e.g. not root)"})
final class ProbeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT", description = "text (default) or json.")
    OutputFormat output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        NodeCapabilities c = NodeProbe.probe();
        out.print(output == OutputFormat.JSON ? ProbeReport.json(c) + "\n" : ProbeReport.table(c));
        out.flush();
        return ExitCodes.OK;
    }
}
