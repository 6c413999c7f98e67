package dev.palisade.agent.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.policy.Policy;
import dev.palisade.policy.load.PolicyLoader;
import dev.palisade.policy.load.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code palisade policy validate PATH...}: exit 0 when every policy is valid, 1 otherwise. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check KubeArmor policy files (KubeArmorPolicy, KubeArmorClusterPolicy, KubeArmorHostPolicy)",
                "against KubeArmor's CRD schema and Palisade's extra checks: unknown fields, a resource both allowed",
                "and blocked, a selector that can never match, bad globs. Directories are read recursively",
                "(*.yaml, *.yml, *.json). Each problem names the file, line, field and reason."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every policy is valid (warnings allowed)", "1:at least one error", "2:bad usage"})
final class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Policy files or directories.")
    List<Path> paths;

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT",
            description = "text (default) or json.")
    OutputFormat output;

    @Option(names = {"-q", "--quiet"}, description = "Print errors only (no warnings, no summary).")
    boolean quiet;

    @Override
    public Integer call() {
        PolicyLoader.Result r = PolicyLoader.load(paths);
        PrintWriter out = spec.commandLine().getOut();
        long errors = r.problems().stream().filter(Problem::isError).count();
        long warnings = r.problems().size() - errors;
        if (output == OutputFormat.JSON) {
            out.println(json(r, errors, warnings));
        } else {
            for (Problem p : r.problems()) if (p.isError() || !quiet) out.println(p);
            if (!quiet) {
                out.printf("%d polic%s valid, %d error%s, %d warning%s%n", r.policies().size(),
                        r.policies().size() == 1 ? "y" : "ies", errors, errors == 1 ? "" : "s", warnings,
                        warnings == 1 ? "" : "s");
            }
        }
        out.flush();
        return errors == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private static String json(PolicyLoader.Result r, long errors, long warnings) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("valid", errors == 0);
        ArrayNode policies = root.putArray("policies");
        for (Policy p : r.policies()) {
            ObjectNode n = policies.addObject();
            n.put("kind", p.kind().kind());
            n.put("name", p.name());
            if (p.namespace() != null) n.put("namespace", p.namespace());
            n.put("source", p.source());
            n.put("line", p.lines().documentLine());
            n.put("dryRun", p.dryRun());
        }
        ArrayNode problems = root.putArray("problems");
        for (Problem p : r.problems()) {
            ObjectNode n = problems.addObject();
            n.put("level", p.level().name().toLowerCase(java.util.Locale.ROOT));
            n.put("source", p.source());
            n.put("line", p.line());
            n.put("field", p.field());
            n.put("reason", p.reason());
        }
        root.put("errors", errors);
        root.put("warnings", warnings);
        return root.toString();
    }
}
