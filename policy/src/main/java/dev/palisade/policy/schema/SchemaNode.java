package dev.palisade.policy.schema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node of an OpenAPI v3 structural schema, the subset Kubernetes CRDs use. One tree serves both the validator
 * and the CRD manifests, so what {@code palisade policy validate} accepts is what the cluster accepts.
 */
public record SchemaNode(
        String type,
        Map<String, SchemaNode> properties,
        List<String> required,
        List<String> enumValues,
        String pattern,
        Integer minimum,
        Integer maximum,
        Integer maxLength,
        Integer maxItems,
        SchemaNode items,
        SchemaNode additionalProperties,
        boolean preserveUnknownFields,
        String description) {

    public SchemaNode {
        properties = properties == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        required = required == null ? List.of() : List.copyOf(required);
        enumValues = enumValues == null ? List.of() : List.copyOf(enumValues);
    }

    private static SchemaNode of(String type) {
        return new SchemaNode(type, null, null, null, null, null, null, null, null, null, null, false, null);
    }

    public static SchemaNode string() {
        return of("string");
    }

    public static SchemaNode integer() {
        return of("integer");
    }

    public static SchemaNode bool() {
        return of("boolean");
    }

    public static SchemaNode arrayOf(SchemaNode items) {
        return of("array").withItems(items);
    }

    /** An object with the given properties, in order: name, schema, name, schema, ... */
    public static SchemaNode object(Object... nameSchemaPairs) {
        Map<String, SchemaNode> props = new LinkedHashMap<>();
        for (int i = 0; i < nameSchemaPairs.length; i += 2) {
            props.put((String) nameSchemaPairs[i], (SchemaNode) nameSchemaPairs[i + 1]);
        }
        return of("object").withProperties(props);
    }

    /** An object whose keys are free and whose values are strings (label maps). */
    public static SchemaNode stringMap() {
        return of("object").withAdditionalProperties(string());
    }

    /** An object Kubernetes keeps as given (metadata, features Palisade does not model). */
    public static SchemaNode freeObject() {
        return new SchemaNode("object", null, null, null, null, null, null, null, null, null, null, true, null);
    }

    public SchemaNode withProperties(Map<String, SchemaNode> p) {
        return new SchemaNode(type, p, required, enumValues, pattern, minimum, maximum, maxLength, maxItems, items,
                additionalProperties, preserveUnknownFields, description);
    }

    /** A copy with more properties, added after the existing ones. */
    public SchemaNode plus(Object... nameSchemaPairs) {
        Map<String, SchemaNode> p = new LinkedHashMap<>(properties);
        p.putAll(object(nameSchemaPairs).properties());
        return withProperties(p);
    }

    /** A copy without the named properties. */
    public SchemaNode minus(String... names) {
        Map<String, SchemaNode> p = new LinkedHashMap<>(properties);
        for (String n : names) p.remove(n);
        return withProperties(p);
    }

    /** A copy where property {@code name} is replaced. */
    public SchemaNode with(String name, SchemaNode schema) {
        Map<String, SchemaNode> p = new LinkedHashMap<>(properties);
        p.put(name, schema);
        return withProperties(p);
    }

    public SchemaNode withRequired(String... names) {
        return new SchemaNode(type, properties, List.of(names), enumValues, pattern, minimum, maximum, maxLength,
                maxItems, items, additionalProperties, preserveUnknownFields, description);
    }

    public SchemaNode withEnum(List<String> values) {
        return new SchemaNode(type, properties, required, values, pattern, minimum, maximum, maxLength, maxItems,
                items, additionalProperties, preserveUnknownFields, description);
    }

    public SchemaNode withPattern(String regex) {
        return new SchemaNode(type, properties, required, enumValues, regex, minimum, maximum, maxLength, maxItems,
                items, additionalProperties, preserveUnknownFields, description);
    }

    public SchemaNode withRange(Integer min, Integer max) {
        return new SchemaNode(type, properties, required, enumValues, pattern, min, max, maxLength, maxItems, items,
                additionalProperties, preserveUnknownFields, description);
    }

    public SchemaNode withMaxLength(int n) {
        return new SchemaNode(type, properties, required, enumValues, pattern, minimum, maximum, n, maxItems, items,
                additionalProperties, preserveUnknownFields, description);
    }

    public SchemaNode withMaxItems(int n) {
        return new SchemaNode(type, properties, required, enumValues, pattern, minimum, maximum, maxLength, n, items,
                additionalProperties, preserveUnknownFields, description);
    }

    public SchemaNode withItems(SchemaNode i) {
        return new SchemaNode(type, properties, required, enumValues, pattern, minimum, maximum, maxLength, maxItems,
                i, additionalProperties, preserveUnknownFields, description);
    }

    public SchemaNode withAdditionalProperties(SchemaNode a) {
        return new SchemaNode(type, properties, required, enumValues, pattern, minimum, maximum, maxLength, maxItems,
                items, a, preserveUnknownFields, description);
    }

    public SchemaNode describe(String text) {
        return new SchemaNode(type, properties, required, enumValues, pattern, minimum, maximum, maxLength, maxItems,
                items, additionalProperties, preserveUnknownFields, text);
    }
}
