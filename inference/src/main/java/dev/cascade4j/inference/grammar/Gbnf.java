package dev.cascade4j.inference.grammar;

public record Gbnf(String text, String root) {
}
