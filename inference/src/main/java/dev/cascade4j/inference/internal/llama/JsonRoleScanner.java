package dev.cascade4j.inference.internal.llama;

/**
 * Follows generated text character by character and tells whether each character belongs to a
 * value (string, number or literal that is not an object key) or to the JSON structure around it.
 * Value characters carry the model's decision; keys and punctuation are dictated by the schema.
 * Text that does not start as JSON is all value, except a call's wrapper: a line opening with a tag or
 * a fence ({@code <tool_call>}, {@code ```json}) and whatever lies between top-level JSON values.
 */
final class JsonRoleScanner {
    private enum Mode { START, WRAPPER, TEXT, JSON }

    private Mode mode = Mode.START;
    // One entry per open container: true for an object. Depth is bounded by what a grammar allows.
    private final boolean[] inObject = new boolean[256];
    private int depth;
    private boolean expectKey;
    private boolean inString;
    private boolean stringIsKey;
    private boolean escaped;
    private boolean inScalar;

    /** Feeds one character; returns true when it is part of a value. */
    boolean isValue(char c) {
        if (mode == Mode.START) {
            mode = (c == '{' || c == '[') ? Mode.JSON : (c == '<' || c == '`') ? Mode.WRAPPER : Mode.TEXT;
        }
        if (mode == Mode.WRAPPER) {
            if (c == '\n') {
                mode = Mode.START;
            }
            return false;
        }
        if (mode == Mode.TEXT) {
            return true;
        }
        if (inString) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                inString = false;
                return !stringIsKey;
            }
            return !stringIsKey;
        }
        if (inScalar) {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '+' || c == '.') {
                return true;
            }
            inScalar = false;
        }
        if (depth == 0 && c != '{' && c != '[') {
            return false; // between calls: a closing tag, a fence, a separator
        }
        switch (c) {
            case '{' -> push(true);
            case '[' -> push(false);
            case '}', ']' -> {
                if (depth > 0) {
                    depth--;
                }
            }
            case ',' -> expectKey = depth > 0 && inObject[depth - 1];
            case ':' -> expectKey = false;
            case '"' -> {
                inString = true;
                stringIsKey = expectKey;
                return !stringIsKey;
            }
            default -> {
                if (Character.isLetterOrDigit(c) || c == '-') {
                    inScalar = true;
                    return true;
                }
            }
        }
        return false;
    }

    private void push(boolean object) {
        if (depth < inObject.length) {
            inObject[depth++] = object;
        }
        expectKey = object;
    }
}
