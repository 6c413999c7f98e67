package dev.palisade.policy.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads a YAML stream into JSON trees while remembering the line of every field, so validation can point at
 * {@code file:line}. Syntax errors and duplicate keys become {@link Problem}s, never exceptions.
 */
public final class YamlReader {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private YamlReader() {}

    /** The documents read, and the problems that stopped a document (or the rest of the stream) from being read. */
    public record Result(List<YamlDocument> documents, List<Problem> problems) {}

    public static Result read(String source, String text) {
        List<YamlDocument> docs = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        LoadSettings settings = LoadSettings.builder().setSchema(new CoreSchema()).setLabel(source)
                .setCodePointLimit(16 * 1024 * 1024).build();
        int index = 0;
        try {
            for (Node node : new Compose(settings).composeAllFromString(text)) {
                if (node == null) continue;
                Map<String, Integer> lines = new HashMap<>();
                List<Problem> docProblems = new ArrayList<>();
                JsonNode tree = convert(node, "", lines, source, docProblems);
                if (tree.isNull() || (tree.isObject() && tree.isEmpty())) continue; // an empty document (e.g. after a trailing ---)
                int line = lineOf(node);
                if (docProblems.isEmpty()) {
                    docs.add(new YamlDocument(source, index, tree, new LineIndex(lines, line)));
                } else {
                    problems.addAll(docProblems);
                }
                index++;
            }
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
            problems.add(Problem.error(source, line, "", "YAML syntax error: " + e.getProblem()
                    + (e.getContext() == null ? "" : " (" + e.getContext() + ")")));
        } catch (YamlEngineException e) {
            problems.add(Problem.error(source, 0, "", "YAML error: " + e.getMessage()));
        }
        return new Result(docs, problems);
    }

    /** YAML 1.2 core schema integers: decimal, 0o octal, 0x hexadecimal. */
    private static BigInteger parseYamlInt(String v) {
        String sign = v.startsWith("-") ? "-" : "";
        String digits = v.startsWith("-") || v.startsWith("+") ? v.substring(1) : v;
        if (digits.startsWith("0x")) return new BigInteger(sign + digits.substring(2), 16);
        if (digits.startsWith("0o")) return new BigInteger(sign + digits.substring(2), 8);
        return new BigInteger(sign + digits);
    }

    private static int lineOf(Node node) {
        return node.getStartMark().map(Mark::getLine).map(l -> l + 1).orElse(0);
    }

    private static JsonNode convert(Node node, String path, Map<String, Integer> lines, String source,
                                    List<Problem> problems) {
        lines.putIfAbsent(path, lineOf(node));
        if (node instanceof MappingNode map) {
            ObjectNode obj = F.objectNode();
            for (NodeTuple t : map.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode keyNode)) {
                    problems.add(Problem.error(source, lineOf(t.getKeyNode()), path, "keys must be plain strings"));
                    continue;
                }
                String key = keyNode.getValue();
                String childPath = FieldPath.child(path, key);
                if (obj.has(key)) {
                    problems.add(Problem.error(source, lineOf(keyNode), childPath, "duplicate key '" + key + "'"));
                    continue;
                }
                lines.put(childPath, lineOf(keyNode));
                obj.set(key, convert(t.getValueNode(), childPath, lines, source, problems));
            }
            return obj;
        }
        if (node instanceof SequenceNode seq) {
            ArrayNode arr = F.arrayNode();
            int i = 0;
            for (Node item : seq.getValue()) {
                arr.add(convert(item, FieldPath.index(path, i++), lines, source, problems));
            }
            return arr;
        }
        ScalarNode s = (ScalarNode) node;
        Tag tag = s.getTag();
        String v = s.getValue();
        if (Tag.NULL.equals(tag)) return F.nullNode();
        if (Tag.BOOL.equals(tag)) return F.booleanNode(v.equalsIgnoreCase("true"));
        if (Tag.INT.equals(tag)) {
            try {
                BigInteger n = parseYamlInt(v.replace("_", ""));
                return n.bitLength() < 32 ? F.numberNode(n.intValue())
                        : n.bitLength() < 64 ? F.numberNode(n.longValue()) : F.numberNode(n);
            } catch (NumberFormatException e) {
                return F.textNode(v);
            }
        }
        if (Tag.FLOAT.equals(tag)) {
            try {
                return F.numberNode(Double.parseDouble(v));
            } catch (NumberFormatException e) {
                return F.textNode(v);
            }
        }
        return F.textNode(v);
    }
}
