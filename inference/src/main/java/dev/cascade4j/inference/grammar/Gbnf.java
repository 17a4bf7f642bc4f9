package dev.cascade4j.inference.grammar;

/** A grammar in llama.cpp's GBNF syntax and the rule it starts from. */
public record Gbnf(String text, String root) {
}
