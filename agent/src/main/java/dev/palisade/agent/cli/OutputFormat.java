package dev.palisade.agent.cli;

/** {@code --output}: for people or for programs. */
enum OutputFormat { TEXT, JSON }
