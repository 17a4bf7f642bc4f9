package dev.cascade4j.inference.internal.llama;

import java.nio.charset.StandardCharsets;

/**
 * Finds the text a grammar admits as the only continuation (a fixed key, a closing quote and
 * brace), so it can be appended without sampling it token by token (jump-forward decoding).
 *
 * <p>It offers the grammar one token per printable ASCII character plus end-of-generation: a token
 * is allowed only if its first character is, so when exactly one character is allowed and the
 * answer cannot end here, that character is forced. Each forced character is accepted into the
 * grammar as its single-character token; the text is tokenized afresh for the model.
 */
final class ForcedTextProbe {
    private final int[] tokens;
    private final char[] chars;
    private final int endToken;
    private final boolean[] allowed;

    ForcedTextProbe(NativeModel model) {
        int[] found = new int[128];
        char[] foundChars = new char[128];
        int n = 0;
        for (char c = 0x20; c < 0x7F; c++) {
            int[] t = model.tokenize(String.valueOf(c), false);
            if (t.length == 1 && new String(model.piece(t[0]), StandardCharsets.UTF_8).equals(String.valueOf(c))) {
                found[n] = t[0];
                foundChars[n] = c;
                n++;
            }
        }
        this.endToken = model.eos();
        found[n] = endToken;
        this.tokens = java.util.Arrays.copyOf(found, n + 1);
        this.chars = java.util.Arrays.copyOf(foundChars, n);
        this.allowed = new boolean[n + 1];
    }

    /**
     * Accepts and returns the forced text (empty when the model has a choice), or null when the
     * only thing allowed is to end.
     */
    String forcedText(GrammarSampler grammar, GrammarSampler.Scratch scratch, int maxChars) {
        StringBuilder forced = new StringBuilder();
        while (forced.length() < maxChars) {
            int count = grammar.filter(scratch, tokens, tokens.length, allowed);
            boolean endAllowed = allowed[tokens.length - 1];
            if (count == 1 && endAllowed) {
                return forced.isEmpty() ? null : forced.toString();
            }
            if (count != 1 || endAllowed) {
                break;
            }
            int only = indexOfAllowed();
            grammar.accept(tokens[only]);
            forced.append(chars[only]);
        }
        return forced.toString();
    }

    /** True when the grammar's answer is complete and nothing else may follow. */
    boolean onlyEndAllowed(GrammarSampler grammar, GrammarSampler.Scratch scratch) {
        int count = grammar.filter(scratch, tokens, tokens.length, allowed);
        return count == 1 && allowed[tokens.length - 1];
    }

    private int indexOfAllowed() {
        for (int i = 0; i < allowed.length; i++) {
            if (allowed[i]) {
                return i;
            }
        }
        throw new IllegalStateException("no allowed token");
    }
}
