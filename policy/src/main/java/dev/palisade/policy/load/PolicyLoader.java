package dev.palisade.policy.load;

import dev.palisade.policy.Policy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Loads policies from files and directories (recursively, {@code *.yaml} / {@code *.yml} / {@code *.json}, in name
 * order). An invalid document is rejected whole and reported; every other document still loads. Two documents
 * defining the same policy: the first wins, the second is an error.
 */
public final class PolicyLoader {
    private PolicyLoader() {}

    /** What a load produced: the valid policies and every problem, in file and line order. */
    public record Result(List<Policy> policies, List<Problem> problems, int documents) {
        public boolean hasErrors() {
            return problems.stream().anyMatch(Problem::isError);
        }
    }

    public static Result load(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(Files::isRegularFile).filter(PolicyLoader::isPolicyFile)
                            .sorted(Comparator.comparing(Path::toString)).forEach(files::add);
                } catch (IOException e) {
                    problems.add(Problem.error(p.toString(), 0, "", "cannot read directory: " + e.getMessage()));
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                problems.add(Problem.error(p.toString(), 0, "", "no such file or directory"));
            }
        }
        List<Policy> policies = new ArrayList<>();
        Map<String, Policy> byKey = new HashMap<>();
        int documents = 0;
        for (Path f : files) {
            String text;
            try {
                text = Files.readString(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                problems.add(Problem.error(f.toString(), 0, "", "cannot read file: " + e.getMessage()));
                continue;
            }
            Result r = loadText(f.toString(), text);
            documents += r.documents();
            problems.addAll(r.problems());
            for (Policy p : r.policies()) {
                Policy earlier = byKey.putIfAbsent(p.key(), p);
                if (earlier != null) {
                    problems.add(Problem.error(p.source(), p.lines().documentLine(), "metadata.name", p.key()
                            + " is already defined in " + earlier.source() + "; this copy is ignored"));
                } else {
                    policies.add(p);
                }
            }
        }
        return new Result(List.copyOf(policies), List.copyOf(problems), documents);
    }

    /** Loads one YAML stream (several documents separated by {@code ---}). */
    public static Result loadText(String source, String text) {
        YamlReader.Result yaml = YamlReader.read(source, text);
        List<Problem> problems = new ArrayList<>(yaml.problems());
        List<Policy> policies = new ArrayList<>();
        for (YamlDocument d : yaml.documents()) {
            Optional<Policy> p = PolicyReader.read(d, problems);
            p.ifPresent(policies::add);
        }
        return new Result(policies, problems, yaml.documents().size() + (int) yaml.problems().stream().filter(Problem::isError).count());
    }

    public static boolean isPolicyFile(Path p) {
        String n = p.getFileName().toString();
        return !n.startsWith(".") && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"));
    }
}
