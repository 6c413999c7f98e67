package dev.palisade.policy.load;

import com.fasterxml.jackson.databind.JsonNode;

/** One document of a YAML stream: its tree and where each field was written. */
public record YamlDocument(String source, int index, JsonNode tree, LineIndex lines) {}
