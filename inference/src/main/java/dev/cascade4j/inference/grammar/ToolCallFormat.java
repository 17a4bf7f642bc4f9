package dev.cascade4j.inference.grammar;

import dev.cascade4j.inference.ToolCall;
import dev.cascade4j.inference.ToolChoice;
import dev.cascade4j.inference.ToolSpec;
import java.util.List;

public final class ToolCallFormat {
    public static Gbnf grammar(List<ToolSpec> tools, ToolChoice choice, boolean parallel) {
        throw new UnsupportedOperationException();
    }

    public static List<ToolCall> parse(String output) {
        throw new UnsupportedOperationException();
    }

    public static String instructions(List<ToolSpec> tools, ToolChoice choice, boolean parallel) {
        throw new UnsupportedOperationException();
    }

    public static String render(List<ToolCall> calls) {
        throw new UnsupportedOperationException();
    }
}
